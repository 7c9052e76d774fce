/**
 * WGSL compute shaders for the classifier's training step: the GPU counterpart of the wasm
 * pass in ../passes/cnn-step.ts. Every shader runs one thread per output value, with the shapes
 * baked in as constants and the batch size read from the step's uniforms, so one set of
 * pipelines serves every batch. Threads are numbered over a 2-D grid of workgroups, because
 * a large batch needs more than the 65,535 workgroups one dimension allows.
 */

/** Threads per workgroup, for every shader here. */
export const WORKGROUP = 64;

/** The per-step uniforms, shared by every shader (see cnn-pass.ts for their layout). */
const STEP_UNIFORMS = /* wgsl */ `
struct Step {
  batch: u32,
  indexOffset: u32,
  lossSlot: u32,
  pad0: u32,
  stepSize: f32,
  inverseRoot2: f32,
  pad1: f32,
  pad2: f32,
}`;

/** The thread's index over the 2-D grid; threads past `count` return at once. */
const THREAD = /* wgsl */ `
  let i = gid.x + gid.y * nwg.x * ${WORKGROUP}u;`;

const ENTRY = `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u)`;

/**
 * A whole shader: the step uniforms at binding 0, then `bindings` (declarations such as
 * `var<storage, read> input: array<f32>`) at bindings 1, 2, … in order, then `body`, run by
 * thread `i`. Every pipeline shares this binding shape (see cnn-pass.ts).
 */
function computeShader(bindings: readonly string[], body: string): string {
  const declared = bindings.map((binding, n) => `@group(0) @binding(${n + 1}) ${binding};`).join('\n');
  return /* wgsl */ `${STEP_UNIFORMS}
@group(0) @binding(0) var<uniform> step: Step;
${declared}
${ENTRY} {${THREAD}
${body}
}`;
}

/**
 * The opening of a shader with one thread per value of a [batch, side, side, channels] (NHWC)
 * tensor: threads past the batch return, the rest name their `channel`, x, y (as i32 where
 * `signed`, for padding arithmetic) and image b.
 */
function nhwcThread(channel: string, channels: number, side: number, signed: boolean): string {
  const coordinate = (value: string) => (signed ? `i32(${value})` : value);
  return /* wgsl */ `  if (i >= step.batch * ${side * side * channels}u) { return; }
  let ${channel} = i % ${channels}u;
  let pixel = i / ${channels}u;
  let x = ${coordinate(`pixel % ${side}u`)};
  let y = ${coordinate(`(pixel / ${side}u) % ${side}u`)};
  let b = pixel / ${side * side}u;`;
}

/**
 * Gathers the batch's images from the byte-packed training set, normalised as
 * data/views.ts does ((x / 255 − mean) / std), and its labels. [batch, pixels] floats out.
 */
export function gatherShader(pixels: number, mean: number, std: number): string {
  return computeShader(
    [
      'var<storage, read> order: array<u32>',
      'var<storage, read> images: array<u32>',
      'var<storage, read_write> x: array<f32>',
    ],
    /* wgsl */ `
  if (i >= step.batch * ${pixels}u) { return; }
  let b = i / ${pixels}u;
  let byteIndex = order[step.indexOffset + b] * ${pixels}u + i % ${pixels}u;
  let byte = (images[byteIndex / 4u] >> ((byteIndex % 4u) * 8u)) & 255u;
  x[i] = (f32(byte) / 255.0 - ${f(mean)}) / ${f(std)};`,
  );
}

/**
 * 3×3 convolution with 'same' zero padding, plus bias, then ReLU where `relu`:
 * out[b, y, x, co] = act(bias[co] + Σ in[b, y+ky−1, x+kx−1, ci] · w[ky, kx, ci, co]).
 */
export function conv3x3Shader(side: number, cin: number, cout: number, relu: boolean, weights: LayerWeights): string {
  return computeShader(
    [
      'var<storage, read> input: array<f32>',
      'var<storage, read> params: array<f32>',
      'var<storage, read_write> output: array<f32>',
    ],
    /* wgsl */ `
${nhwcThread('co', cout, side, true)}
  var sum = params[${weights.bias}u + co];
  for (var ky = 0; ky < 3; ky++) {
    let sy = y + ky - 1;
    if (sy < 0 || sy >= ${side}) { continue; }
    for (var kx = 0; kx < 3; kx++) {
      let sx = x + kx - 1;
      if (sx < 0 || sx >= ${side}) { continue; }
      let inBase = ((b * ${side}u + u32(sy)) * ${side}u + u32(sx)) * ${cin}u;
      let wBase = ${weights.kernel}u + u32(ky * 3 + kx) * ${cin * cout}u + co;
      for (var ci = 0u; ci < ${cin}u; ci++) {
        sum += input[inBase + ci] * params[wBase + ci * ${cout}u];
      }
    }
  }
  output[i] = ${relu ? 'max(sum, 0.0)' : 'sum'};`,
  );
}

/** Where a layer's kernel and bias start in the flat weight vector. */
export interface LayerWeights {
  kernel: number;
  bias: number;
}

/**
 * The input gradient of a 3×3 'same' convolution:
 * dIn[b, y, x, ci] = Σ d[b, y+1−ky, x+1−kx, co] · w[ky, kx, ci, co].
 */
export function conv3x3InputGradShader(side: number, cin: number, cout: number, kernel: number): string {
  return computeShader(
    [
      'var<storage, read> delta: array<f32>',
      'var<storage, read> params: array<f32>',
      'var<storage, read_write> output: array<f32>',
    ],
    /* wgsl */ `
${nhwcThread('ci', cin, side, true)}
  var sum = 0.0;
  for (var ky = 0; ky < 3; ky++) {
    let sy = y + 1 - ky;
    if (sy < 0 || sy >= ${side}) { continue; }
    for (var kx = 0; kx < 3; kx++) {
      let sx = x + 1 - kx;
      if (sx < 0 || sx >= ${side}) { continue; }
      let dBase = ((b * ${side}u + u32(sy)) * ${side}u + u32(sx)) * ${cout}u;
      let wBase = ${kernel}u + u32(ky * 3 + kx) * ${cin * cout}u + ci * ${cout}u;
      for (var co = 0u; co < ${cout}u; co++) {
        sum += delta[dBase + co] * params[wBase + co];
      }
    }
  }
  output[i] = sum;`,
  );
}

/**
 * A 3×3 convolution's filter and bias gradients, in `parts` partial sums per weight so that
 * enough threads share the work: a layer has few weights (320 in the first) and each sums over
 * every position of the batch. Thread (w, part) sums positions [part·chunk, (part+1)·chunk) of
 * dW[ky, kx, ci, co] = Σ_{b,y,x} in[b, y+ky−1, x+kx−1, ci] · d[b, y, x, co], or of dBias[co] = Σ d
 * for w past the kernel, into partial[w · parts + part]; reducePartsShader adds the parts up.
 */
export function conv3x3FilterGradShader(side: number, cin: number, cout: number, parts: number): string {
  const kernelSize = 9 * cin * cout;
  return computeShader(
    [
      'var<storage, read> input: array<f32>',
      'var<storage, read> delta: array<f32>',
      'var<storage, read_write> partial: array<f32>',
    ],
    /* wgsl */ `
  if (i >= ${(kernelSize + cout) * parts}u) { return; }
  let part = i % ${parts}u;
  let w = i / ${parts}u;
  let positions = step.batch * ${side * side}u;
  let chunk = (positions + ${parts - 1}u) / ${parts}u;
  let first = part * chunk;
  let last = min(first + chunk, positions);
  var sum = 0.0;
  if (w >= ${kernelSize}u) {
    for (var p = first; p < last; p++) { sum += delta[p * ${cout}u + w - ${kernelSize}u]; }
    partial[i] = sum;
    return;
  }
  let co = w % ${cout}u;
  let ci = (w / ${cout}u) % ${cin}u;
  let k = w / ${cin * cout}u;
  let ky = i32(k / 3u) - 1;
  let kx = i32(k % 3u) - 1;
  for (var p = first; p < last; p++) {
    let x = i32(p % ${side}u);
    let y = i32((p / ${side}u) % ${side}u);
    let sy = y + ky;
    let sx = x + kx;
    if (sy < 0 || sy >= ${side} || sx < 0 || sx >= ${side}) { continue; }
    let b = p / ${side * side}u;
    let inIndex = ((b * ${side}u + u32(sy)) * ${side}u + u32(sx)) * ${cin}u + ci;
    sum += input[inIndex] * delta[p * ${cout}u + co];
  }
  partial[i] = sum;`,
  );
}

/**
 * Adds up conv3x3FilterGradShader's partial sums, one thread per weight, into the gradient
 * vector: the kernel's at `weights.kernel`, then the bias's at `weights.bias`.
 */
export function reducePartsShader(kernelSize: number, biasSize: number, parts: number, weights: LayerWeights): string {
  return computeShader(
    ['var<storage, read> partial: array<f32>', 'var<storage, read_write> grads: array<f32>'],
    /* wgsl */ `
  // Every shader binds the step uniforms; this one needs none, but a binding left unused
  // would drop out of the pipeline's layout and make the shared bind-group shape invalid.
  _ = step.batch;
  if (i >= ${kernelSize + biasSize}u) { return; }
  var sum = 0.0;
  for (var part = 0u; part < ${parts}u; part++) { sum += partial[i * ${parts}u + part]; }
  let slot = select(${weights.kernel}u + i, ${weights.bias}u + i - ${kernelSize}u, i >= ${kernelSize}u);
  grads[slot] = sum;`,
  );
}

/** 2×2 max pool, stride 2, keeping which of the four won (0–3, row-major) for the backward pass. */
export function maxPoolShader(side: number, channels: number): string {
  const half = side / 2;
  return computeShader(
    [
      'var<storage, read> input: array<f32>',
      'var<storage, read_write> output: array<f32>',
      'var<storage, read_write> winner: array<u32>',
    ],
    /* wgsl */ `
${nhwcThread('c', channels, half, false)}
  var best = -3.4e38;
  var which = 0u;
  for (var k = 0u; k < 4u; k++) {
    let v = input[((b * ${side}u + 2u * y + k / 2u) * ${side}u + 2u * x + k % 2u) * ${channels}u + c];
    if (v > best) { best = v; which = k; }
  }
  output[i] = best;
  winner[i] = which;`,
  );
}

/**
 * Max pool's gradient, routed to each window's winner, times the ReLU mask of the convolution
 * that fed the pool: dh[b, y, x, c] = (winner is (y, x) and h > 0) ? dPooled : 0.
 */
export function maxPoolGradReluShader(side: number, channels: number): string {
  const half = side / 2;
  return computeShader(
    [
      'var<storage, read> dPooled: array<f32>',
      'var<storage, read> winner: array<u32>',
      'var<storage, read> h: array<f32>',
      'var<storage, read_write> dh: array<f32>',
    ],
    /* wgsl */ `
${nhwcThread('c', channels, side, false)}
  let pooled = ((b * ${half}u + y / 2u) * ${half}u + x / 2u) * ${channels}u + c;
  let mine = winner[pooled] == (y % 2u) * 2u + x % 2u;
  dh[i] = select(0.0, dPooled[pooled], mine && h[i] > 0.0);`,
  );
}

/** out[b, j] = act(bias[j] + Σ_k in[b, k] · w[k, j]), w row-major [inputs, outputs]. */
export function denseShader(inputs: number, outputs: number, relu: boolean, weights: LayerWeights): string {
  return computeShader(
    [
      'var<storage, read> input: array<f32>',
      'var<storage, read> params: array<f32>',
      'var<storage, read_write> output: array<f32>',
    ],
    /* wgsl */ `
  if (i >= step.batch * ${outputs}u) { return; }
  let j = i % ${outputs}u;
  let b = i / ${outputs}u;
  var sum = params[${weights.bias}u + j];
  for (var k = 0u; k < ${inputs}u; k++) {
    sum += input[b * ${inputs}u + k] * params[${weights.kernel}u + k * ${outputs}u + j];
  }
  output[i] = ${relu ? 'max(sum, 0.0)' : 'sum'};`,
  );
}

/** A dense layer's weight and bias gradients: dW[k, j] = Σ_b in[b, k] · d[b, j]; dBias[j] = Σ_b d[b, j]. */
export function denseWeightGradShader(inputs: number, outputs: number, weights: LayerWeights): string {
  return computeShader(
    [
      'var<storage, read> input: array<f32>',
      'var<storage, read> delta: array<f32>',
      'var<storage, read_write> grads: array<f32>',
    ],
    /* wgsl */ `
  if (i >= ${(inputs + 1) * outputs}u) { return; }
  let j = i % ${outputs}u;
  let k = i / ${outputs}u;
  var sum = 0.0;
  if (k == ${inputs}u) {
    for (var b = 0u; b < step.batch; b++) { sum += delta[b * ${outputs}u + j]; }
    grads[${weights.bias}u + j] = sum;
    return;
  }
  for (var b = 0u; b < step.batch; b++) { sum += input[b * ${inputs}u + k] * delta[b * ${outputs}u + j]; }
  grads[${weights.kernel}u + i] = sum;`,
  );
}

/**
 * A dense layer's input gradient, dIn[b, k] = Σ_j d[b, j] · w[k, j], times the ReLU mask of
 * the input where `reluInput` (the input was a ReLU's output, so h > 0 marks where it passed).
 */
export function denseInputGradShader(inputs: number, outputs: number, reluInput: boolean, kernel: number): string {
  return computeShader(
    [
      'var<storage, read> delta: array<f32>',
      'var<storage, read> params: array<f32>',
      'var<storage, read_write> dInput: array<f32>',
      ...(reluInput ? ['var<storage, read> input: array<f32>'] : []),
    ],
    /* wgsl */ `
  if (i >= step.batch * ${inputs}u) { return; }
  let k = i % ${inputs}u;
  let b = i / ${inputs}u;
  var sum = 0.0;
  for (var j = 0u; j < ${outputs}u; j++) {
    sum += delta[b * ${outputs}u + j] * params[${kernel}u + k * ${outputs}u + j];
  }
  dInput[i] = ${reluInput ? 'select(0.0, sum, input[i] > 0.0)' : 'sum'};`,
  );
}

/**
 * Softmax cross-entropy with its gradient, one thread per image: writes (softmax − one-hot) /
 * batch into dLogits and the image's loss into rowLoss. Labels are gathered through `order`.
 */
export function softmaxCrossEntropyShader(classes: number): string {
  return computeShader(
    [
      'var<storage, read> order: array<u32>',
      'var<storage, read> labels: array<u32>',
      'var<storage, read> logits: array<f32>',
      'var<storage, read_write> dLogits: array<f32>',
      'var<storage, read_write> rowLoss: array<f32>',
    ],
    /* wgsl */ `
  if (i >= step.batch) { return; }
  let example = order[step.indexOffset + i];
  let label = (labels[example / 4u] >> ((example % 4u) * 8u)) & 255u;
  let row = i * ${classes}u;
  var top = logits[row];
  for (var k = 1u; k < ${classes}u; k++) { top = max(top, logits[row + k]); }
  var total = 0.0;
  for (var k = 0u; k < ${classes}u; k++) { total += exp(logits[row + k] - top); }
  rowLoss[i] = log(total) - (logits[row + label] - top);
  let scale = 1.0 / f32(step.batch);
  for (var k = 0u; k < ${classes}u; k++) {
    let p = exp(logits[row + k] - top) / total;
    dLogits[row + k] = (p - select(0.0, 1.0, k == label)) * scale;
  }`,
  );
}

/**
 * One thread sums the batch's losses into this step's slot of the loss log, as the mean; the
 * slot's second value is 1 when the loss or any gradient (flagged by the Adam shader's check)
 * was not finite. A slot per step lets the log be read every few steps; the engine still reads
 * it after each step, because the epoch loop wants each step's loss (see cnn-engine.ts).
 */
export function lossShader(): string {
  return computeShader(
    ['var<storage, read> rowLoss: array<f32>', 'var<storage, read_write> lossLog: array<f32>'],
    /* wgsl */ `
  if (i != 0u) { return; }
  var sum = 0.0;
  for (var b = 0u; b < step.batch; b++) { sum += rowLoss[b]; }
  lossLog[step.lossSlot * 2u] = sum / f32(step.batch);
  lossLog[step.lossSlot * 2u + 1u] = 0.0;`,
  );
}

/**
 * Marks the loss log's slot when a gradient is NaN or infinite (all exponent bits set), so
 * the Adam shader that follows leaves the weights alone, as the CPU steppers do.
 */
export function finiteCheckShader(size: number): string {
  return computeShader(
    ['var<storage, read> grads: array<f32>', 'var<storage, read_write> lossLog: array<f32>'],
    /* wgsl */ `
  if (i > ${size}u) { return; }
  let value = select(grads[min(i, ${size - 1}u)], lossLog[step.lossSlot * 2u], i == ${size}u);
  if ((bitcast<u32>(value) & 0x7f800000u) == 0x7f800000u) { lossLog[step.lossSlot * 2u + 1u] = 1.0; }`,
  );
}

/**
 * Adam, one thread per weight, as adam.ts: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
 * w ← w − stepSize·m / (√v · inverseRoot2 + ε). Skipped for the whole step when the finite
 * check flagged it.
 */
export function adamShader(size: number, beta1: number, beta2: number, epsilon: number): string {
  return computeShader(
    [
      'var<storage, read> grads: array<f32>',
      'var<storage, read> lossLog: array<f32>',
      'var<storage, read_write> params: array<f32>',
      'var<storage, read_write> m: array<f32>',
      'var<storage, read_write> v: array<f32>',
    ],
    /* wgsl */ `
  if (i >= ${size}u || lossLog[step.lossSlot * 2u + 1u] != 0.0) { return; }
  let g = grads[i];
  let mi = ${f(beta1)} * m[i] + ${f(1 - beta1)} * g;
  let vi = ${f(beta2)} * v[i] + ${f(1 - beta2)} * g * g;
  m[i] = mi;
  v[i] = vi;
  params[i] = params[i] - step.stepSize * mi / (sqrt(vi) * step.inverseRoot2 + ${f(epsilon)});`,
  );
}

/** A float literal WGSL accepts (always with a point or an exponent). */
function f(value: number): string {
  const text = String(Math.fround(value));
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * Counts the batch's correct predictions into `correct[0]`, one thread per image: the first
 * largest logit, as tf.argMax picks it, against the label gathered through `order`.
 */
export function correctShader(classes: number): string {
  return computeShader(
    [
      'var<storage, read> order: array<u32>',
      'var<storage, read> labels: array<u32>',
      'var<storage, read> logits: array<f32>',
      'var<storage, read_write> correct: array<atomic<u32>>',
    ],
    /* wgsl */ `
  if (i >= step.batch) { return; }
  let example = order[step.indexOffset + i];
  let label = (labels[example / 4u] >> ((example % 4u) * 8u)) & 255u;
  let row = i * ${classes}u;
  var best = 0u;
  for (var k = 1u; k < ${classes}u; k++) {
    if (logits[row + k] > logits[row + best]) { best = k; }
  }
  if (best == label) { atomicAdd(&correct[0], 1u); }`,
  );
}
