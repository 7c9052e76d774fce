/**
 * The source of the `gemm` SIMD module: writes its WAT text. The tiles are unrolled in full, one
 * v128 local per accumulator, which by hand would be thousands of near-identical lines; here each
 * tile shape is one call of a loop-nest builder. scripts/build-wasm.mjs assembles the result.
 */

/** Rows of B (k values) a product block reads, sized to stay in the per-core cache. */
const KC = 256;
/** Output pixels per band of the convolution's weight gradient, for the same reason. */
const BAND = 256;

const g = (n) => `(local.get $${n})`;
const set = (n, e) => `(local.set $${n} ${e})`;
const add = (a, b) => `(i32.add ${a} ${b})`;
const mul = (a, b) => `(i32.mul ${a} ${b})`;
const shl2 = (a) => `(i32.shl ${a} (i32.const 2))`;
const c = (k) => `(i32.const ${k})`;
const off = (o) => (o ? ` offset=${o}` : '');
const vload = (p, o = 0) => `(v128.load${off(o)} ${p})`;
const splat = (p, o = 0) => `(v128.load32_splat${off(o)} ${p})`;
const fma = (acc, x, y) => set(acc, `(f32x4.add ${g(acc)} (f32x4.mul ${x} ${y}))`);
const locals = (names, type) => names.map((n) => `(local $${n} ${type})`).join(' ');
const params = (names) => names.map((n) => `(param $${n} i32)`).join(' ');
const ZERO = '(v128.const i32x4 0 0 0 0)';
const range = (n) => [...Array(n).keys()];
const bump = (p, by) => set(p, add(g(p), by));

function ind(d, ...lines) {
  return lines.flat(Infinity).map((l) => ' '.repeat(d) + l);
}

/** `for (v = from; v < to; v += step)` as a wasm block/loop. */
function forLoop(v, from, to, step, body) {
  return [
    set(v, from),
    `(block $${v}_done`,
    `  (loop $${v}_next`,
    `    (br_if $${v}_done (i32.ge_u ${g(v)} ${to}))`,
    ...ind(4, body),
    `    ${bump(v, step)}`,
    `    (br $${v}_next)))`,
  ];
}

/** A loop over k that runs while pointer `p` < $end, skipped when it starts there. */
function kLoop(p, body, label = 'k') {
  return [
    `(block $${label}_done`,
    `  (br_if $${label}_done (i32.ge_u ${g(p)} ${g('end')}))`,
    `  (loop $${label}`,
    ...ind(4, body),
    `    (br_if $${label} (i32.lt_u ${g(p)} ${g('end')}))))`,
  ];
}

/** Per row r < mr of a block: rowLines(r), then pointer `p` moves on by `stride` (not after the last). */
function byRows(mr, p, stride, rowLines) {
  return range(mr).flatMap((r) => [...rowLines(r), ...(r < mr - 1 ? [bump(p, g(stride))] : [])]);
}

const acc = (r, v) => `c${r}_${v}`;
const accNames = (mr, nv) => range(mr).flatMap((r) => range(nv).map((v) => acc(r, v)));
const clearAccs = (names) => names.map((n) => set(n, ZERO));

/**
 * One k step of the mr × 4nv block: nv vectors of b at `pb`, times mr broadcasts, from consecutive
 * floats at `pa` or, with `paOf`, from one pointer per row.
 */
function splatStep(mr, nv, pa, pb, paOf = null) {
  const lines = range(nv).map((v) => set(`b${v}`, vload(pb, 16 * v)));
  for (let r = 0; r < mr; r++) {
    const s = paOf ? splat(paOf(r)) : splat(pa, 4 * r);
    if (nv === 1) lines.push(fma(acc(r, 0), s, g('b0')));
    else {
      lines.push(set('s', s));
      for (let v = 0; v < nv; v++) lines.push(fma(acc(r, v), g('s'), g(`b${v}`)));
    }
  }
  return lines;
}

/** Stores the block at $pc (rows `stride` apart), adding what C held when $accumulate is set. */
function storeBlock(mr, nv, stride) {
  const rows = (withOld) =>
    byRows(mr, 'pc', stride, (r) =>
      range(nv).map((v) => {
        const value = withOld ? `(f32x4.add ${g(acc(r, v))} ${vload(g('pc'), 16 * v)})` : g(acc(r, v));
        return `(v128.store${off(16 * v)} ${g('pc')} ${value})`;
      }),
    );
  return [
    '(if (local.get $accumulate)',
    '  (then',
    ...ind(4, rows(true)),
    '  )',
    '  (else',
    ...ind(4, rows(false)),
    '  ))',
  ];
}

const cBlock = (rowStride) => set('pc', add(add(g('c'), mul(g('i'), g(rowStride))), shl2(g('j'))));

// ---------------------------------------------------------------------------------------------
// atb: C[m×p] (+)= Aᵀ·B with A [n×m], B [n×p]; sa = m·4 and sb = p·4 are the row strides in bytes.

const ATB_PARAMS = ['a', 'b', 'c', 'n', 'sa', 'sb', 'i0', 'i1', 'j0', 'j1', 'accumulate'];

function atbSplat(mr, nv, comment) {
  const accs = accNames(mr, nv);
  return [
    ...comment,
    `(func $atb_${mr}x${4 * nv}`,
    `  ${params(ATB_PARAMS)}`,
    `  ${locals(['i', 'j', 'pa', 'pb', 'pc', 'end'], 'i32')}`,
    `  ${locals([...(nv > 1 ? ['s'] : []), ...range(nv).map((v) => `b${v}`)], 'v128')}`,
    `  ${locals(accs, 'v128')}`,
    ...ind(
      2,
      forLoop('i', g('i0'), g('i1'), c(mr), [
        forLoop('j', g('j0'), g('j1'), c(4 * nv), [
          set('pa', add(g('a'), shl2(g('i')))),
          set('pb', add(g('b'), shl2(g('j')))),
          set('end', add(g('pb'), mul(g('n'), g('sb')))),
          clearAccs(accs),
          kLoop('pb', [...splatStep(mr, nv, g('pa'), g('pb')), bump('pa', g('sa')), bump('pb', g('sb'))]),
          cBlock('sb'),
          storeBlock(mr, nv, 'sb'),
        ]),
      ]),
    ),
    ')',
  ];
}

function atbLanes() {
  const lanes = (withOld) =>
    byRows(4, 'pc', 'sb', (r) => {
      const lane = `(f32x4.extract_lane ${r} ${g('c0_0')})`;
      return [`(f32.store ${g('pc')} ${withOld ? `(f32.add (f32.load ${g('pc')}) ${lane})` : lane})`];
    });
  return [
    ';; The last p % 4 columns, four rows at a time: the rows run in the lanes, four neighbouring',
    ';; floats of A against one broadcast element of B, and C is written lane by lane.',
    '(func $atb_4x1',
    `  ${params(ATB_PARAMS)}`,
    `  ${locals(['i', 'j', 'pa', 'pb', 'pc', 'end'], 'i32')} (local $c0_0 v128)`,
    ...ind(
      2,
      forLoop('i', g('i0'), g('i1'), c(4), [
        forLoop('j', g('j0'), g('j1'), c(1), [
          set('pa', add(g('a'), shl2(g('i')))),
          set('pb', add(g('b'), shl2(g('j')))),
          set('end', add(g('pb'), mul(g('n'), g('sb')))),
          set('c0_0', ZERO),
          kLoop('pb', [fma('c0_0', vload(g('pa')), splat(g('pb'))), bump('pa', g('sa')), bump('pb', g('sb'))]),
          cBlock('sb'),
          '(if (local.get $accumulate)',
          '  (then',
          ...ind(4, lanes(true)),
          '  )',
          '  (else',
          ...ind(4, lanes(false)),
          '  ))',
        ]),
      ]),
    ),
    ')',
  ];
}

function atbScalar() {
  return [
    ';; The corner left by both tails, one element at a time.',
    '(func $atb_1x1',
    `  ${params(ATB_PARAMS)}`,
    `  ${locals(['i', 'j', 'pa', 'pb', 'pc', 'end'], 'i32')} (local $sum f32)`,
    ...ind(
      2,
      forLoop('i', g('i0'), g('i1'), c(1), [
        forLoop('j', g('j0'), g('j1'), c(1), [
          set('pa', add(g('a'), shl2(g('i')))),
          set('pb', add(g('b'), shl2(g('j')))),
          set('end', add(g('pb'), mul(g('n'), g('sb')))),
          set('sum', '(f32.const 0)'),
          kLoop('pb', [
            set('sum', `(f32.add ${g('sum')} (f32.mul (f32.load ${g('pa')}) (f32.load ${g('pb')})))`),
            bump('pa', g('sa')),
            bump('pb', g('sb')),
          ]),
          cBlock('sb'),
          `(if (local.get $accumulate) (then ${set('sum', `(f32.add ${g('sum')} (f32.load ${g('pc')}))`)}))`,
          `(f32.store ${g('pc')} ${g('sum')})`,
        ]),
      ]),
    ),
    ')',
  ];
}

function atbMain() {
  const call = (k, i0, i1, j0, j1) =>
    `(call $atb_${k} ${['a', 'b', 'c', 'n', 'sa', 'sb'].map(g).join(' ')} ${[i0, i1, j0, j1].map(g).join(' ')} ${g('accumulate')})`;
  return [
    ';; C [m×p] = Aᵀ·B, or C += Aᵀ·B when accumulate ≠ 0, with A [n×m] and B [n×p]: the weight',
    ';; gradient xᵀ·dy of a dense layer, n being the batch.',
    '(func (export "atb")',
    `  ${params(['a', 'b', 'c', 'n', 'm', 'p', 'accumulate'])}`,
    `  ${locals(['sa', 'sb', 'm4', 'p8', 'p4', 'zero'], 'i32')}`,
    `  ${set('sa', shl2(g('m')))}`,
    `  ${set('sb', shl2(g('p')))}`,
    `  ${set('m4', `(i32.and ${g('m')} ${c(-4)})`)}`,
    `  ${set('p8', `(i32.and ${g('p')} ${c(-8)})`)}`,
    `  ${set('p4', `(i32.and ${g('p')} ${c(-4)})`)}`,
    `  ${call('4x8', 'zero', 'm4', 'zero', 'p8')}`,
    `  ${call('4x4', 'zero', 'm4', 'p8', 'p4')}`,
    `  ${call('4x1', 'zero', 'm4', 'p4', 'p')}`,
    `  ${call('1x8', 'm4', 'm', 'zero', 'p8')}`,
    `  ${call('1x4', 'm4', 'm', 'p8', 'p4')}`,
    `  ${call('1x1', 'm4', 'm', 'p4', 'p')}`,
    ')',
  ];
}

// ---------------------------------------------------------------------------------------------
// ab: C[m×p] = A·B (+ bias, then ReLU) with A [m×n], B [n×p]; sa = n·4, sb = p·4.

const AB_PARAMS = ['a', 'b', 'bias', 'c', 'n', 'sa', 'sb', 'i0', 'i1', 'j0', 'j1', 'relu', 'init'];

function abSplat(mr, nv, comment) {
  const accs = accNames(mr, nv);
  const pas = range(mr).map((r) => `pa${r}`);
  const biasRow = range(nv).map((v) => set(`b${v}`, vload(add(g('bias'), shl2(g('j'))), 16 * v)));
  return [
    ...comment,
    `(func $ab_${mr}x${4 * nv}`,
    `  ${params(AB_PARAMS)}`,
    `  ${locals(['i', 'j', ...pas, 'pb', 'pc', 'end'], 'i32')}`,
    `  ${locals([...(nv > 1 ? ['s'] : []), ...range(nv).map((v) => `b${v}`)], 'v128')}`,
    `  ${locals(accs, 'v128')}`,
    ...ind(
      2,
      forLoop('i', g('i0'), g('i1'), c(mr), [
        forLoop('j', g('j0'), g('j1'), c(4 * nv), [
          set('pa0', add(g('a'), mul(g('i'), g('sa')))),
          ...pas.slice(1).map((p, r) => set(p, add(g(pas[r]), g('sa')))),
          set('pb', add(g('b'), shl2(g('j')))),
          set('end', add(g('pa0'), shl2(g('n')))),
          cBlock('sb'),
          `(if ${g('init')}`,
          '  (then',
          `    (if ${g('bias')}`,
          '      (then',
          ...ind(
            8,
            biasRow,
            range(mr).flatMap((r) => range(nv).map((v) => set(acc(r, v), g(`b${v}`)))),
          ),
          '      )',
          '      (else',
          ...ind(8, clearAccs(accs)),
          '      )))',
          '  (else',
          ...ind(
            4,
            byRows(mr, 'pc', 'sb', (r) => range(nv).map((v) => set(acc(r, v), vload(g('pc'), 16 * v)))),
          ),
          '  ))',
          kLoop('pa0', [
            ...splatStep(mr, nv, null, g('pb'), (r) => g(pas[r])),
            ...pas.map((p) => bump(p, c(4))),
            bump('pb', g('sb')),
          ]),
          `(if ${g('relu')}`,
          '  (then',
          ...ind(
            4,
            accs.map((n) => set(n, `(f32x4.pmax ${ZERO} ${g(n)})`)),
          ),
          '  ))',
          cBlock('sb'),
          byRows(mr, 'pc', 'sb', (r) => range(nv).map((v) => `(v128.store${off(16 * v)} ${g('pc')} ${g(acc(r, v))})`)),
        ]),
      ]),
    ),
    ')',
  ];
}

function abScalar() {
  return [
    ';; The last p % 4 columns, one element at a time over all of k, bias and ReLU included.',
    '(func $ab_1x1',
    `  ${params(['a', 'b', 'bias', 'c', 'n', 'sa', 'sb', 'i0', 'i1', 'j0', 'j1', 'relu'])}`,
    `  ${locals(['i', 'j', 'pa', 'pb', 'end'], 'i32')} (local $sum f32)`,
    ...ind(
      2,
      forLoop('i', g('i0'), g('i1'), c(1), [
        forLoop('j', g('j0'), g('j1'), c(1), [
          set('pa', add(g('a'), mul(g('i'), g('sa')))),
          set('pb', add(g('b'), shl2(g('j')))),
          set('end', add(g('pa'), g('sa'))),
          set('sum', '(f32.const 0)'),
          `(if ${g('bias')} (then ${set('sum', `(f32.load ${add(g('bias'), shl2(g('j')))})`)}))`,
          kLoop('pa', [
            set('sum', `(f32.add ${g('sum')} (f32.mul (f32.load ${g('pa')}) (f32.load ${g('pb')})))`),
            bump('pa', c(4)),
            bump('pb', g('sb')),
          ]),
          `(if ${g('relu')} (then ${set('sum', `(f32.max ${g('sum')} (f32.const 0))`)}))`,
          `(f32.store ${add(add(g('c'), mul(g('i'), g('sb'))), shl2(g('j')))} ${g('sum')})`,
        ]),
      ]),
    ),
    ')',
  ];
}

function abMain() {
  const call = (k, i0, i1, j0, j1) =>
    `(call $ab_${k} ${['ak', 'bk', 'bias', 'c', 'kc', 'sa', 'sb'].map(g).join(' ')} ${[i0, i1, j0, j1].map(g).join(' ')} ${g('relu_now')} ${g('init')})`;
  return [
    ';; C [m×p] = A·B with A [m×n] and B [n×p], plus bias [p] on every row when bias ≠ 0, then',
    ";; max(0, ·) when relu ≠ 0: a dense layer's forward pass.",
    `;; k runs in blocks of ${KC}, so that the rows of B a block reads (${KC}·p floats, 512 KiB at`,
    ';; p = 512) stay in L2 while all the row blocks of A pass over them: streaming all of a',
    ';; 784 × 512 B (1.6 MiB) per row block ran slower (BENCHMARKS.md). The first block starts from the bias,',
    ';; later blocks add to C, and the ReLU waits for the last.',
    '(func (export "ab")',
    `  ${params(['a', 'b', 'bias', 'c', 'm', 'n', 'p', 'relu'])}`,
    `  ${locals(['sa', 'sb', 'm4', 'p8', 'p4', 'zero', 'k0', 'kc', 'ak', 'bk', 'init', 'relu_now'], 'i32')}`,
    `  ${set('sa', shl2(g('n')))}`,
    `  ${set('sb', shl2(g('p')))}`,
    `  ${set('m4', `(i32.and ${g('m')} ${c(-4)})`)}`,
    `  ${set('p8', `(i32.and ${g('p')} ${c(-8)})`)}`,
    `  ${set('p4', `(i32.and ${g('p')} ${c(-4)})`)}`,
    ';; One pass even when n = 0, so C still gets the bias.',
    '  (loop $blocks',
    `    ${set('kc', `(i32.sub ${g('n')} ${g('k0')})`)}`,
    `    ${set('kc', `(select ${c(KC)} ${g('kc')} (i32.gt_u ${g('kc')} ${c(KC)}))`)}`,
    `    ${set('ak', add(g('a'), shl2(g('k0'))))}`,
    `    ${set('bk', add(g('b'), mul(g('k0'), g('sb'))))}`,
    `    ${set('init', `(i32.eqz ${g('k0')})`)}`,
    `    ${bump('k0', g('kc'))}`,
    `    ${set('relu_now', `(i32.and ${g('relu')} (i32.ge_u ${g('k0')} ${g('n')}))`)}`,
    `    ${call('4x8', 'zero', 'm4', 'zero', 'p8')}`,
    `    ${call('4x4', 'zero', 'm4', 'p8', 'p4')}`,
    `    ${call('1x8', 'm4', 'm', 'zero', 'p8')}`,
    `    ${call('1x4', 'm4', 'm', 'p8', 'p4')}`,
    `    (br_if $blocks (i32.lt_u ${g('k0')} ${g('n')})))`,
    `  (call $ab_1x1 ${['a', 'b', 'bias', 'c', 'n', 'sa', 'sb', 'zero', 'm', 'p4', 'p', 'relu'].map(g).join(' ')})`,
    ')',
  ];
}

// ---------------------------------------------------------------------------------------------
// abt: C[m×p] = A·Bᵀ with A [m×n], B [p×n]; s = n·4 is both row strides, sc = p·4 C's.

const shuffle = (x, y, lanes) =>
  `(i8x16.shuffle ${lanes.flatMap((l) => [0, 1, 2, 3].map((b) => 4 * l + b)).join(' ')} ${x} ${y})`;

function abtTiles(mr, nr, comment) {
  const accs = range(mr).flatMap((r) => range(nr).map((q) => acc(r, q)));
  const pas = range(mr).map((r) => `pa${r}`);
  const pbs = range(nr).map((q) => `pb${q}`);
  const step = (load, bytes) => [
    ...range(mr).map((r) => set(`a${r}`, load(g(pas[r])))),
    ...range(nr).flatMap((q) => [
      set('v', load(g(pbs[q]))),
      ...range(mr).map((r) => fma(acc(r, q), g(`a${r}`), g('v'))),
    ]),
    ...[...pas, ...pbs].map((p) => bump(p, c(bytes))),
  ];
  const half = (x, y) => `(f32x4.add ${shuffle(g(x), g(y), [0, 4, 1, 5])} ${shuffle(g(x), g(y), [2, 6, 3, 7])})`;
  const store = byRows(mr, 'pc', 'sc', (r) =>
    nr === 4
      ? [
          set('t0', half(acc(r, 0), acc(r, 1))),
          set('t1', half(acc(r, 2), acc(r, 3))),
          `(v128.store ${g('pc')} (f32x4.add ${shuffle(g('t0'), g('t1'), [0, 1, 4, 5])} ${shuffle(g('t0'), g('t1'), [2, 3, 6, 7])}))`,
        ]
      : [
          set('t0', `(f32x4.add ${g(acc(r, 0))} ${shuffle(g(acc(r, 0)), g(acc(r, 0)), [2, 3, 0, 1])})`),
          `(f32.store ${g('pc')} (f32.add (f32x4.extract_lane 0 ${g('t0')}) (f32x4.extract_lane 1 ${g('t0')})))`,
        ],
  );
  return [
    ...comment,
    `(func $abt_${mr}x${nr}`,
    `  ${params(['a', 'b', 'c', 'n', 's', 'sc', 'i0', 'i1', 'j0', 'j1'])}`,
    `  ${locals(['i', 'j', ...pas, ...pbs, 'pc', 'end'], 'i32')}`,
    `  ${locals(['v', 't0', ...(nr === 4 ? ['t1'] : []), ...range(mr).map((r) => `a${r}`)], 'v128')}`,
    `  ${locals(accs, 'v128')}`,
    ...ind(
      2,
      forLoop('j', g('j0'), g('j1'), c(nr), [
        forLoop('i', g('i0'), g('i1'), c(mr), [
          set('pa0', add(g('a'), mul(g('i'), g('s')))),
          ...pas.slice(1).map((p, r) => set(p, add(g(pas[r]), g('s')))),
          set('pb0', add(g('b'), mul(g('j'), g('s')))),
          ...pbs.slice(1).map((p, q) => set(p, add(g(pbs[q]), g('s')))),
          clearAccs(accs),
          set('end', add(g('pa0'), shl2(`(i32.and ${g('n')} ${c(-4)})`))),
          kLoop(
            'pa0',
            step((p) => vload(p), 16),
            'k4',
          ),
          ';; The last n % 4 products go to lane 0 alone.',
          set('end', add(g('pa0'), shl2(`(i32.and ${g('n')} ${c(3)})`))),
          kLoop(
            'pa0',
            step((p) => `(v128.load32_zero ${p})`, 4),
          ),
          set('pc', add(add(g('c'), mul(g('i'), g('sc'))), shl2(g('j')))),
          store,
        ]),
      ]),
    ),
    ')',
  ];
}

function abtMain() {
  const call = (k, i0, i1, j0, j1) =>
    `(call $abt_${k} ${['a', 'b', 'c', 'n', 's', 'sc'].map(g).join(' ')} ${[i0, i1, j0, j1].map(g).join(' ')})`;
  return [
    ';; C [m×p] = A·Bᵀ with A [m×n] and B [p×n]: the input gradient dy·Wᵀ of a dense layer.',
    '(func (export "abt")',
    `  ${params(['a', 'b', 'c', 'm', 'n', 'p'])}`,
    `  ${locals(['s', 'sc', 'm2', 'p4', 'zero'], 'i32')}`,
    `  ${set('s', shl2(g('n')))}`,
    `  ${set('sc', shl2(g('p')))}`,
    `  ${set('m2', `(i32.and ${g('m')} ${c(-2)})`)}`,
    `  ${set('p4', `(i32.and ${g('p')} ${c(-4)})`)}`,
    `  ${call('2x4', 'zero', 'm2', 'zero', 'p4')}`,
    `  ${call('2x1', 'zero', 'm2', 'p4', 'p')}`,
    `  ${call('1x4', 'm2', 'm', 'zero', 'p4')}`,
    `  ${call('1x1', 'm2', 'm', 'p4', 'p')}`,
    ')',
  ];
}

// ---------------------------------------------------------------------------------------------
// conv3x3_filter_grad: dw[kh, kw, ci, co] = Σ x[b, y+kh−1, x+kw−1, ci] · dy[b, y, x, co].

/**
 * kind 'splat': mr input channels broadcast × nr output channels in nr/4 vectors; 'lanes': four
 * input channels in the lanes × one broadcast output channel; 'scalar': one of each.
 */
function convTiles(kind, mr, nr, comment) {
  const nv = nr / 4;
  let accs, body, loadAcc, storeAcc, temps, name;
  if (kind === 'splat') {
    name = `${mr}x${nr}`;
    accs = accNames(mr, nv);
    temps = [...(nv > 1 ? ['s'] : []), ...range(nv).map((v) => `b${v}`)];
    body = splatStep(mr, nv, g('px'), g('pd'));
    loadAcc = byRows(mr, 'pc', 'ds', (r) => range(nv).map((v) => set(acc(r, v), vload(g('pc'), 16 * v))));
    storeAcc = byRows(mr, 'pc', 'ds', (r) =>
      range(nv).map((v) => `(v128.store${off(16 * v)} ${g('pc')} ${g(acc(r, v))})`),
    );
  } else if (kind === 'lanes') {
    name = '4x1';
    accs = ['c0_0'];
    temps = [];
    body = [fma('c0_0', vload(g('px')), splat(g('pd')))];
    loadAcc = [
      set('c0_0', `(v128.load32_splat ${g('pc')})`),
      ...[1, 2, 3].map((r) =>
        set('c0_0', `(f32x4.replace_lane ${r} ${g('c0_0')} (f32.load ${add(g('pc'), mul(c(r), g('ds')))}))`),
      ),
    ];
    storeAcc = byRows(4, 'pc', 'ds', (r) => [`(f32.store ${g('pc')} (f32x4.extract_lane ${r} ${g('c0_0')}))`]);
  } else {
    name = '1x1';
    accs = [];
    temps = [];
    body = [set('sum', `(f32.add ${g('sum')} (f32.mul (f32.load ${g('px')}) (f32.load ${g('pd')})))`)];
    loadAcc = [set('sum', `(f32.load ${g('pc')})`)];
    storeAcc = [`(f32.store ${g('pc')} ${g('sum')})`];
  }
  const dwBlock = set(
    'pc',
    add(add(g('dw'), mul(add(mul(g('kh'), c(3)), g('kw')), g('tap'))), add(mul(g('ci'), g('ds')), shl2(g('co')))),
  );
  return [
    ...comment,
    `(func $conv_${name}`,
    `  ${params(['x', 'dy', 'dw', 'h', 'w', 'xs', 'ds', 'y0', 'y1', 'ci0', 'ci1', 'co0', 'co1'])}`,
    `  ${locals(['ci', 'co', 'kh', 'kw', 'ylo', 'rows', 'row', 'len', 'tap', 'xrow', 'drow'], 'i32')}`,
    `  ${locals(['px', 'pd', 'rx', 'rd', 'pc', 'end'], 'i32')}`,
    temps.length ? `  ${locals(temps, 'v128')}` : null,
    accs.length ? `  ${locals(accs, 'v128')}` : '  (local $sum f32)',
    `  ${set('xrow', mul(g('w'), g('xs')))}`,
    `  ${set('drow', mul(g('w'), g('ds')))}`,
    `  ${set('tap', mul(`(i32.shr_u ${g('xs')} ${c(2)})`, g('ds')))}`,
    ...ind(
      2,
      forLoop('co', g('co0'), g('co1'), c(nr), [
        forLoop('ci', g('ci0'), g('ci1'), c(kind === 'lanes' ? 4 : mr), [
          forLoop('kh', c(0), c(3), c(1), [
            ';; Output rows [ylo, ylo + rows) of the band see input rows inside the image.',
            set('ylo', add(g('y0'), `(i32.and (i32.eqz ${g('y0')}) (i32.eqz ${g('kh')}))`)),
            set('rows', `(i32.sub ${g('y1')} (i32.and (i32.eq ${g('y1')} ${g('h')}) (i32.eq ${g('kh')} ${c(2)})))`),
            set('rows', `(i32.sub ${g('rows')} ${g('ylo')})`),
            forLoop('kw', c(0), c(3), c(1), [
              ';; Likewise output columns [kw = 0, w − (kw = 2)), the same for every row.',
              set('len', `(i32.sub ${g('w')} (i32.ne ${g('kw')} ${c(1)}))`),
              `(if (i32.and (i32.gt_s ${g('rows')} ${c(0)}) (i32.gt_s ${g('len')} ${c(0)}))`,
              '  (then',
              ...ind(
                4,
                dwBlock,
                loadAcc,
                set(
                  'rx',
                  add(
                    add(g('x'), shl2(g('ci'))),
                    add(
                      mul(`(i32.sub (i32.add ${g('ylo')} ${g('kh')}) ${c(1)})`, g('xrow')),
                      mul(`(i32.shr_u ${g('kw')} ${c(1)})`, g('xs')),
                    ),
                  ),
                ),
                set(
                  'rd',
                  add(add(g('dy'), shl2(g('co'))), add(mul(g('ylo'), g('drow')), mul(`(i32.eqz ${g('kw')})`, g('ds')))),
                ),
                set('row', g('rows')),
                '(loop $rows',
                `  ${set('px', g('rx'))}`,
                `  ${set('pd', g('rd'))}`,
                `  ${set('end', add(g('rd'), mul(g('len'), g('ds'))))}`,
                '  (loop $pixels',
                ind(4, body),
                `    ${bump('px', g('xs'))}`,
                `    ${bump('pd', g('ds'))}`,
                `    (br_if $pixels (i32.lt_u ${g('pd')} ${g('end')})))`,
                `  ${bump('rx', g('xrow'))}`,
                `  ${bump('rd', g('drow'))}`,
                `  ${set('row', `(i32.sub ${g('row')} ${c(1)})`)}`,
                `  (br_if $rows ${g('row')}))`,
                dwBlock,
                storeAcc,
              ),
              '  ))',
            ]),
          ]),
        ]),
      ]),
    ),
    ')',
  ].filter((l) => l !== null);
}

function convMain() {
  const call = (k, ci0, ci1, co0, co1) =>
    `(call $conv_${k} ${['xb', 'db', 'dw', 'h', 'w', 'xs', 'ds', 'y0', 'y1'].map(g).join(' ')} ${[ci0, ci1, co0, co1].map(g).join(' ')})`;
  return [
    ';; dw [3, 3, cin, cout] = the filter gradient of a 3×3, stride 1, pad 1 NHWC convolution of',
    ';; x [batch, h, w, cin] with output gradient dy [batch, h, w, cout]; dw is overwritten.',
    `;; Images go one at a time and in bands of about ${BAND} output pixels, so that the dy slice a`,
    ';; channel block walks nine times (once per tap) stays in L1 even for 28×28 images.',
    '(func (export "conv3x3_filter_grad")',
    `  ${params(['x', 'dy', 'dw', 'batch', 'h', 'w', 'cin', 'cout'])}`,
    `  ${locals(['xs', 'ds', 'ci4', 'co8', 'co4', 'co16', 'zero', 'b', 'xb', 'db', 'y0', 'y1', 'band', 'pixels'], 'i32')}`,
    `  ${set('xs', shl2(g('cin')))}`,
    `  ${set('ds', shl2(g('cout')))}`,
    `  (memory.fill ${g('dw')} ${c(0)} ${mul(c(9), mul(g('cin'), g('ds')))})`,
    `  ${set('ci4', `(i32.and ${g('cin')} ${c(-4)})`)}`,
    `  ${set('co8', `(i32.and ${g('cout')} ${c(-8)})`)}`,
    `  ${set('co4', `(i32.and ${g('cout')} ${c(-4)})`)}`,
    `  ${set('co16', `(i32.and ${g('cout')} ${c(-16)})`)}`,
    `  ${set('pixels', mul(g('h'), g('w')))}`,
    `  ${set('band', `(i32.add (i32.div_u ${c(BAND)} (select ${g('w')} ${c(1)} ${g('w')})) ${c(1)})`)}`,
    ...ind(
      2,
      forLoop('b', c(0), g('batch'), c(1), [
        set('xb', add(g('x'), mul(mul(g('b'), g('pixels')), g('xs')))),
        set('db', add(g('dy'), mul(mul(g('b'), g('pixels')), g('ds')))),
        forLoop('y0', c(0), g('h'), g('band'), [
          set('y1', add(g('y0'), g('band'))),
          set('y1', `(select ${g('h')} ${g('y1')} (i32.gt_u ${g('y1')} ${g('h')}))`),
          call('4x8', 'zero', 'ci4', 'zero', 'co8'),
          call('4x4', 'zero', 'ci4', 'co8', 'co4'),
          call('4x1', 'zero', 'ci4', 'co4', 'cout'),
          call('1x16', 'ci4', 'cin', 'zero', 'co16'),
          call('1x4', 'ci4', 'cin', 'co16', 'co4'),
          call('1x1', 'ci4', 'cin', 'co4', 'cout'),
        ]),
      ]),
    ),
    ')',
  ];
}

// ---------------------------------------------------------------------------------------------
// conv3x3: y[b, r, c, co] = Σ x[b, r+kh−1, c+kw−1, ci] · w[kh, kw, ci, co] (+ bias, then ReLU).

const FWD_PARAMS = ['px', 'py', 'sx', 'sy', 'p0', 'p1', 'co0', 'co1', 'pw', 'nkh', 'klen', 'xrow', 'wrow', 'ds'];

/**
 * Tiles of mr pixels of a run × nr output channels, in nr/4 vectors, or in one f32 when nr = 1.
 * Pixel j of a tile has its own x pointer, as the pixels are sx bytes apart, a stride known only
 * at run time. The k loop takes one step per pass: unrolled, TurboFan hoisted the broadcasts of
 * all the steps to the top of the body and spilled them, which ran slower (BENCHMARKS.md).
 */
function fwdTiles(mr, nr, comment) {
  const scalar = nr === 1;
  const nv = scalar ? 1 : nr / 4;
  const accs = accNames(mr, nv);
  const pxs = range(mr).map((j) => `px${j}`);
  const load = (p, o) => (scalar ? `(f32.load${off(o)} ${p})` : vload(p, o));
  const bcast = (p) => (scalar ? `(f32.load ${p})` : splat(p));
  const madd = (a, x, y) => (scalar ? set(a, `(f32.add ${g(a)} (f32.mul ${x} ${y}))`) : fma(a, x, y));
  const step = () => [
    ...range(nv).map((v) => set(`b${v}`, load(g('pwc'), 16 * v))),
    ...range(mr).flatMap((j) => {
      if (nv === 1) return [madd(acc(j, 0), bcast(g(pxs[j])), g('b0'))];
      return [set('s', bcast(g(pxs[j]))), ...range(nv).map((v) => madd(acc(j, v), g('s'), g(`b${v}`)))];
    }),
    bump('pwc', g('ds')),
  ];
  const type = scalar ? 'f32' : 'v128';
  return [
    ...comment,
    `(func $fwd_${mr}x${nr}`,
    `  ${params([...FWD_PARAMS, 'bias', 'relu'])}`,
    `  ${locals(['p', 'co', 'pk', 'wk', 'kh', 'kbytes', ...pxs, 'pwc', 'pc', 'end'], 'i32')}`,
    `  ${locals([...(nv > 1 ? ['s'] : []), ...range(nv).map((v) => `b${v}`), ...accs], type)}`,
    `  ${set('kbytes', shl2(g('klen')))}`,
    ...ind(
      2,
      forLoop('co', g('co0'), g('co1'), c(nr), [
        forLoop('p', g('p0'), g('p1'), c(mr), [
          `(if ${g('bias')}`,
          '  (then',
          ...ind(
            4,
            range(nv).map((v) => set(`b${v}`, load(add(g('bias'), shl2(g('co'))), 16 * v))),
            range(mr).flatMap((r) => range(nv).map((v) => set(acc(r, v), g(`b${v}`)))),
          ),
          '  )',
          '  (else',
          ...ind(
            4,
            accs.map((n) => set(n, scalar ? '(f32.const 0)' : ZERO)),
          ),
          '  ))',
          set('pk', add(g('px'), mul(g('p'), g('sx')))),
          set('wk', add(g('pw'), shl2(g('co')))),
          set('kh', g('nkh')),
          '(loop $taps',
          ...ind(
            2,
            set('px0', g('pk')),
            pxs.slice(1).map((p, j) => set(p, add(g(pxs[j]), g('sx')))),
            set('pwc', g('wk')),
            set('end', add(g('px0'), g('kbytes'))),
            kLoop('px0', [...step(), ...pxs.map((p) => bump(p, c(4)))]),
            bump('pk', g('xrow')),
            bump('wk', g('wrow')),
            set('kh', `(i32.sub ${g('kh')} ${c(1)})`),
            `(br_if $taps ${g('kh')}))`,
          ),
          `(if ${g('relu')}`,
          '  (then',
          ...ind(
            4,
            accs.map((n) => set(n, scalar ? `(f32.max ${g(n)} (f32.const 0))` : `(f32x4.pmax ${ZERO} ${g(n)})`)),
          ),
          '  ))',
          set('pc', add(add(g('py'), mul(g('p'), g('sy'))), shl2(g('co')))),
          byRows(mr, 'pc', 'sy', (r) =>
            range(nv).map((v) =>
              scalar
                ? `(f32.store ${g('pc')} ${g(acc(r, v))})`
                : `(v128.store${off(16 * v)} ${g('pc')} ${g(acc(r, v))})`,
            ),
          ),
        ]),
      ]),
    ),
    ')',
  ];
}

function fwdRun() {
  const call = (k, p0, p1, co0, co1) =>
    `(call $fwd_${k} ${['px', 'py', 'sx', 'sy'].map(g).join(' ')} ${[p0, p1, co0, co1].map(g).join(' ')} ${['pw', 'nkh', 'klen', 'xrow', 'wrow', 'ds', 'bias', 'relu'].map(g).join(' ')})`;
  return [
    ';; A run of n output pixels, sy bytes apart in y, whose taps all fall inside the image: pixel',
    ";; p's first tap reads klen floats at px + p·sx and the filter at pw, then nkh − 1 more rows of",
    ';; taps, xrow bytes further in x and wrow in the filter each.',
    '(func $fwd_run',
    `  ${params(['px', 'py', 'sx', 'sy', 'n', 'pw', 'nkh', 'klen', 'xrow', 'wrow', 'ds', 'bias', 'relu', 'cout'])}`,
    `  ${locals(['n4', 'co8', 'co4', 'zero'], 'i32')}`,
    `  ${set('n4', `(i32.and ${g('n')} ${c(-4)})`)}`,
    `  ${set('co8', `(i32.and ${g('cout')} ${c(-8)})`)}`,
    `  ${set('co4', `(i32.and ${g('cout')} ${c(-4)})`)}`,
    `  ${call('4x8', 'zero', 'n4', 'zero', 'co8')}`,
    `  ${call('1x8', 'n4', 'n', 'zero', 'co8')}`,
    `  ${call('4x4', 'zero', 'n4', 'co8', 'co4')}`,
    `  ${call('1x4', 'n4', 'n', 'co8', 'co4')}`,
    `  ${call('4x1', 'zero', 'n4', 'co4', 'cout')}`,
    `  ${call('1x1', 'n4', 'n', 'co4', 'cout')}`,
    ')',
  ];
}

function fwdMain() {
  const run = (px, py, sx, sy, n, pw, nkh, klen) =>
    `(call $fwd_run ${px} ${py} ${sx} ${sy} ${n} ${pw} ${nkh} ${klen} ${['xrow', 'wrow', 'ds', 'bias', 'relu', 'cout'].map(g).join(' ')})`;
  const sub = (a, b) => `(i32.sub ${a} ${b})`;
  // An edge column of output pixels from py down, whose taps read klen floats of x from px and of
  // the filter from pw (at kh = 0) on.
  const edge = (px, py, pw, klen) => [
    ';; Row 0 lacks the kh = 0 taps, and the last row kh = 2 (a single row has kh = 1 alone).',
    run(px, py, c(0), c(0), c(1), add(pw, g('wrow')), sub(c(2), `(i32.eq ${g('h')} ${c(1)})`), klen),
    `(if (i32.gt_u ${g('h')} ${c(1)})`,
    '  (then',
    `    ${run(add(px, mul(sub(g('h'), c(2)), g('xrow'))), add(py, mul(sub(g('h'), c(1)), g('yrow'))), c(0), c(0), c(1), pw, c(2), klen)}`,
    '  ))',
    `(if (i32.gt_u ${g('h')} ${c(2)})`,
    '  (then',
    `    ${run(px, add(py, g('yrow')), g('xrow'), g('yrow'), sub(g('h'), c(2)), pw, c(3), klen)}`,
    '  ))',
  ];
  return [
    ';; y [batch, h, w, cout] = the 3×3, stride 1, pad 1 NHWC convolution of x [batch, h, w, cin]',
    ';; with filter w [3, 3, cin, cout], plus bias [cout] unless bias is 0, then max(0, ·) when',
    ';; relu ≠ 0. Output pixels go in runs whose taps all lie inside the image, so no tap needs a',
    ';; test: each row without its first and last pixel (for which the three kw taps of a kh row',
    ';; read one stretch of 3·cin floats of x against one of the filter), then the two edge columns',
    ';; down the image, rows xrow bytes apart, with only two kw taps (one when w = 1).',
    '(func (export "conv3x3")',
    `  ${params(['x', 'w', 'bias', 'y', 'batch', 'h', 'wd', 'cin', 'cout', 'relu'])}`,
    `  ${locals(['xs', 'ds', 'xrow', 'yrow', 'wtap', 'wrow', 'b', 'r', 'xb', 'yb', 'top'], 'i32')}`,
    `  ${set('xs', shl2(g('cin')))}`,
    `  ${set('ds', shl2(g('cout')))}`,
    `  ${set('xrow', mul(g('wd'), g('xs')))}`,
    `  ${set('yrow', mul(g('wd'), g('ds')))}`,
    `  ${set('wtap', mul(g('cin'), g('ds')))}`,
    `  ${set('wrow', mul(c(3), g('wtap')))}`,
    ...ind(
      2,
      forLoop('b', c(0), g('batch'), c(1), [
        set('xb', add(g('x'), mul(mul(g('b'), g('h')), g('xrow')))),
        set('yb', add(g('y'), mul(mul(g('b'), g('h')), g('yrow')))),
        `(if (i32.gt_u ${g('wd')} ${c(2)})`,
        '  (then',
        ...ind(
          4,
          forLoop('r', c(0), g('h'), c(1), [
            set('top', `(i32.eqz ${g('r')})`),
            run(
              add(g('xb'), mul(sub(add(g('r'), g('top')), c(1)), g('xrow'))),
              add(add(g('yb'), mul(g('r'), g('yrow'))), g('ds')),
              g('xs'),
              g('ds'),
              sub(g('wd'), c(2)),
              add(g('w'), mul(g('top'), g('wrow'))),
              sub(sub(c(3), g('top')), `(i32.eq (i32.add ${g('r')} ${c(1)}) ${g('h')})`),
              mul(c(3), g('cin')),
            ),
          ]),
        ),
        '  ))',
        ';; The left column has taps kw = 1, 2 (just 1 when w = 1), the right one kw = 0, 1.',
        edge(
          g('xb'),
          g('yb'),
          add(g('w'), g('wtap')),
          mul(`(i32.add ${c(1)} (i32.gt_u ${g('wd')} ${c(1)}))`, g('cin')),
        ),
        `(if (i32.gt_u ${g('wd')} ${c(1)})`,
        '  (then',
        ...ind(
          4,
          edge(
            add(g('xb'), mul(sub(g('wd'), c(2)), g('xs'))),
            add(g('yb'), mul(sub(g('wd'), c(1)), g('ds'))),
            g('w'),
            mul(c(2), g('cin')),
          ),
        ),
        '  ))',
      ]),
    ),
    ')',
  ];
}

// ---------------------------------------------------------------------------------------------

const HEADER = `;; Dense matrix products and the 3×3 convolution with its weight gradient, for training the CNN
;; and the VAE. Matrices are row-major float32 at byte offsets into the imported memory; 4-byte
;; alignment is enough, as wasm's v128 loads and stores take any address.
;;
;; Node 20's wasm has SIMD128 but no fused multiply-add, so each product is f32x4.mul then
;; f32x4.add. The main tiles hold a 4×8 block of C in eight v128 locals; V8 keeps those in XMM
;; registers while at most about twelve v128 values are live in the inner loop (x64 has sixteen
;; and V8 reserves one), and 5×8, 6×8, 4×12 and 3×16 blocks measured slower than 4×8. Broadcasts
;; use v128.load32_splat, a plain load on x64, rather than lane shuffles, which would compete
;; with the adds for execution ports.
;;
;; A kernel covers the bulk of C with its widest tile, then the leftover columns and rows with
;; narrower tiles down to single elements, so any size works without masks and nothing outside
;; C is written. The tiles are unrolled in full, hence the length: each variant of a kernel is the
;; same loop nest with another block shape.`;

/** The module's WAT text. */
export default function module() {
  const lines = [
    ...HEADER.split('\n'),
    '(module',
    '  (import "env" "memory" (memory 1))',
    '',
    ...ind(
      2,
      atbSplat(4, 2, [
        ";; atb's tiles cover rows [i0, i1) × columns [j0, j1) of C in blocks of 4 × 8, 4 × 4, 1 × 8 or",
        ';; 1 × 4. Row i of C is column i of A, so the four broadcasts of a step are neighbouring',
        ";; floats of one A row. Columns vary fastest: a row block's strip of A (n rows of 16 bytes)",
        ';; stays in L1 while B streams past it.',
      ]),
      atbSplat(4, 1, []),
      atbSplat(1, 2, []),
      atbSplat(1, 1, []),
      atbLanes(),
      atbScalar(),
      atbMain(),
      '',
      abSplat(4, 2, [
        ";; ab's tiles: rows [i0, i1) × columns [j0, j1) of C in 4 × 8, 4 × 4, 1 × 8 or 1 × 4 blocks,",
        ';; over one block of k (n of them, A and B already offset to it). A row block needs a',
        ';; pointer per row, the rows being n floats apart. init ≠ 0 starts from the bias (or zero)',
        ';; rather than from C; relu ≠ 0 clamps at zero before storing.',
      ]),
      abSplat(4, 1, []),
      abSplat(1, 2, []),
      abSplat(1, 1, []),
      abScalar(),
      abMain(),
      '',
      abtTiles(2, 4, [
        ";; abt's tiles: rows [i0, i1) × columns [j0, j1) of C in 2 × 4, 2 × 1, 1 × 4 or 1 × 1 blocks.",
        ';; Rows of A and of B both run along n, so the lanes do too: each element of the block sums',
        ';; in a vector of four partial sums, and two rounds of shuffles and adds turn a row of four',
        ";; such vectors into the row's four results.",
      ]),
      abtTiles(2, 1, []),
      abtTiles(1, 4, []),
      abtTiles(1, 1, []),
      abtMain(),
      '',
      convTiles('splat', 4, 8, [
        ';; One band (output rows [y0, y1)) of one image, added to dw for input channels [ci0, ci1)',
        ';; × output channels [co0, co1), in blocks of 4 × 8, 4 × 4, 4 × 1 (input channels in the',
        ';; lanes), 1 × 16, 1 × 4 or 1 × 1. For a tap (kh, kw), the pixels whose neighbour lies inside',
        ';; the image form one run per row, so no pixel needs a test. The nine taps run inside a',
        ";; channel block, so they reuse its slices of x and dy from L1. xs and ds are x's and dy's",
        ';; pixel strides in bytes.',
      ]),
      convTiles('splat', 4, 4, []),
      convTiles('lanes', 4, 1, []),
      convTiles('splat', 1, 16, []),
      convTiles('splat', 1, 4, []),
      convTiles('scalar', 1, 1, []),
      convMain(),
      '',
      fwdTiles(4, 8, [
        ";; conv3x3's tiles: pixels [p0, p1) of a run × output channels [co0, co1) in blocks of 4 × 8,",
        ';; 1 × 8, 4 × 4, 1 × 4, 4 × 1 or 1 × 1, starting from the bias or zero. Each of the nkh tap',
        ';; rows is a product over klen floats: x from px + p·sx on, the filter from pw on, rows ds',
        ';; bytes apart. Output channels vary slowest, so the filter slice of a column block is read',
        ';; from L1 by every pixel block of the run.',
      ]),
      fwdTiles(1, 8, []),
      fwdTiles(4, 4, []),
      fwdTiles(1, 4, []),
      fwdTiles(4, 1, []),
      fwdTiles(1, 1, []),
      fwdRun(),
      fwdMain(),
    ),
    ')',
  ];
  return polish(lines).join('\n') + '\n';
}

/** Closes functions on their last line and wraps lines longer than 120 columns. */
function polish(lines) {
  const out = [];
  for (const line of lines) {
    if (line === '  )') out[out.length - 1] += ')';
    else out.push(line.trimEnd());
  }
  return out.flatMap((line) => wrap(line.match(/^ */)[0].length, line.trimStart()));
}

/** Top-level parts of `text`: balanced (…) groups and bare words, with any unbalanced ')' tail. */
function parts(text) {
  const found = [];
  let depth = 0;
  let start = -1;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k];
    if (depth === 0 && ch !== ' ' && start < 0) start = k;
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) return { found, tail: text.slice(k) };
    if (depth === 0 && start >= 0 && (ch === ')' || text[k + 1] === ' ' || k + 1 === text.length)) {
      found.push(text.slice(start, k + 1));
      start = -1;
    }
  }
  return { found, tail: '' };
}

/** Breaks a long line at its outermost argument boundaries, one argument per line. */
function wrap(indent, text) {
  const pad = ' '.repeat(indent);
  if (indent + text.length <= 120 || text.startsWith(';;')) return [pad + text];
  const top = parts(text);
  if (top.found.length > 1) {
    const rows = [''];
    for (const p of top.found) {
      const row = rows[rows.length - 1];
      if (row && indent + row.length + 1 + p.length > 120) rows.push(p);
      else rows[rows.length - 1] = row ? `${row} ${p}` : p;
    }
    rows[rows.length - 1] += top.tail;
    return rows.flatMap((r) => wrap(indent, r));
  }
  const args = parts(top.found[0].slice(1, -1)).found;
  let head = 1;
  while (head < args.length && !args[head].startsWith('(')) head++;
  const rest = args.slice(head);
  if (rest.length === 0) return [pad + text];
  return [
    `${pad}(${args.slice(0, head).join(' ')}`,
    ...rest.flatMap((a, k) => wrap(indent + 2, a + (k === rest.length - 1 ? `)${top.tail}` : ''))),
  ];
}
