/** Shape and statistics of MNIST, shared by the loader and the views. */

/** Width and height of every MNIST image, in pixels. */
export const IMAGE_SIDE = 28;

/** Pixels per image (28 × 28), i.e. the stride between images in `DigitSet.images`. */
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;

/** Digits 0–9. */
export const NUM_CLASSES = 10;

/** Mean of the training pixels scaled to [0, 1]; centres the classifier's input. */
export const MNIST_MEAN = 0.1307;

/** Standard deviation of the training pixels scaled to [0, 1]. */
export const MNIST_STD = 0.3081;

/** The four files of an MNIST directory, under the names LeCun published them with. */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;
