/**
 * Checks a saved layers-model topology before TensorFlow.js builds it. tfjs builds a
 * functional model by re-queueing each layer call until its inputs exist, so a call that
 * names a missing layer, a second call that was never made, or a cycle keeps it looping
 * forever: one flipped bit in model.json would hang the program. Our models are plain
 * chains and one-input graphs, so every call must take outputs of the first (and only)
 * call of a layer listed before it. Nested models are refused for the same reason.
 */

/** Classes that contain layers of their own, which our saved models never do. */
const CONTAINERS = new Set(['Model', 'Functional', 'Sequential']);

/** What makes `topology` unsafe or foreign, in a few words, or undefined when it can be built. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- it checks parsed JSON of any shape
export function topologyProblem(topology: any): string | undefined {
  const className = topology?.class_name;
  const layers = topology?.config?.layers ?? (Array.isArray(topology?.config) ? topology.config : undefined);
  if (typeof className !== 'string' || !Array.isArray(layers)) return 'the model topology has no layer list';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- entries of that parsed JSON
  if (layers.some((layer: any) => typeof layer?.class_name !== 'string' || CONTAINERS.has(layer.class_name))) {
    return 'the model topology holds a layer of no known class or a nested model';
  }
  if (className === 'Sequential') return undefined;
  if (className !== 'Model' && className !== 'Functional') return `a model of class "${className}" is not ours`;
  const seen = new Set<string>();
  const isCallOfSeen = (call: unknown) =>
    Array.isArray(call) &&
    typeof call[0] === 'string' &&
    seen.has(call[0]) &&
    call[1] === 0 &&
    Number.isSafeInteger(call[2]) &&
    call[2] >= 0;
  for (const layer of layers) {
    const nodes = layer.inbound_nodes;
    if (typeof layer.name !== 'string' || seen.has(layer.name) || !Array.isArray(nodes) || nodes.length > 1) {
      return `layer "${String(layer.name)}" is not called once under a name of its own`;
    }
    for (const node of nodes) {
      if (!Array.isArray(node) || !node.every(isCallOfSeen)) {
        return `layer "${layer.name}" takes an input that no layer before it gives`;
      }
    }
    seen.add(layer.name);
  }
  const ends = [topology.config.input_layers, topology.config.output_layers];
  if (!ends.every((list) => Array.isArray(list) && list.length > 0 && list.every(isCallOfSeen))) {
    return 'the model inputs or outputs name no layer of the model';
  }
  return undefined;
}
