import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * A model's build, one entry per layer: its class, activation and weight shapes, such as
 * `Dense relu [3136,128] [128]`. Layer names are left out because tfjs numbers unnamed
 * layers by creation order, so the same build saved twice gets different names.
 */
export function architectureOf(model: tfl.LayersModel): string[] {
  return model.layers.map((layer) => {
    const activation = (layer.getConfig() as { activation?: unknown }).activation;
    const shapes = layer.weights.map((weight) => `[${weight.shape.join(',')}]`);
    return [layer.getClassName(), typeof activation === 'string' ? activation : '', ...shapes]
      .filter((part) => part !== '')
      .join(' ');
  });
}

/** How `actual` differs from `expected` in a few words, or undefined when they match. */
export function architectureDifference(actual: string[], expected: string[]): string | undefined {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    if (actual[i] !== expected[i]) {
      return `layer ${i + 1} is ${actual[i] ?? 'missing'} where ${expected[i] ?? 'no layer'} belongs`;
    }
  }
  return undefined;
}
