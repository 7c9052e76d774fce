/**
 * The data layer of mnist-tui: reading and validating the MNIST IDX files,
 * float views of the images for the models, and seeded batch order.
 * It knows nothing about models.
 */

// Loading
export { loadMnist, loadMnistDir, BUNDLED_SOURCE, type DigitSet, type Mnist } from './load-mnist.js';
export { DataError } from './data-error.js';

// Shape and statistics
export { IMAGE_SIDE, IMAGE_PIXELS, NUM_CLASSES, MNIST_MEAN, MNIST_STD, MNIST_FILES } from './mnist-format.js';

// Float views for the models
export { normalisedView, normaliseUnit, unitView, gatherNormalised, gatherUnit, gatherLabels } from './views.js';

// Seeded order
export { createRng } from './rng.js';
export { shuffledBatches } from './batches.js';

// File format, for tools and tests
export { parseIdx, IDX_LABELS_MAGIC, IDX_IMAGES_MAGIC } from './idx.js';
export { decodeIdx } from './idx-file.js';
export { BUNDLED_SHA256, verifySha256 } from './checksum.js';
