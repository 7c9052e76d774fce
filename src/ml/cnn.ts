import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { IMAGE_SIDE, NUM_CLASSES } from '../data/index.js';
import { PLAIN_RECIPE, type CnnRecipe } from './cnn-recipe.js';

/**
 * Variance scale of the logits layer's kernel under the `small` init: the hidden layer's
 * activations reach a few units, so Glorot's scale (1) starts the logits several units apart.
 */
const LOGITS_INIT_SCALE = 0.01;

/**
 * The classifier: 2×[Conv→ReLU→MaxPool], Flatten→Dense→ReLU→Dense, small enough to train in
 * minutes on a laptop's cores yet past 99% on MNIST. It outputs logits; softmax is applied where
 * probabilities are needed. `recipe` picks how its logits layer starts (see cnn-recipe.ts); the
 * plain recipe's Glorot draw when absent, as saved models were built.
 */
export function createClassifier(seed: number, recipe: Pick<CnnRecipe, 'logitsInit'> = PLAIN_RECIPE): tfl.Sequential {
  const init = (offset: number) => tfl.initializers.heNormal({ seed: seed + offset });
  // Glorot's variance scaled by 1/100 is its draw at a tenth of the size, from the same seed.
  const logitsScale = recipe.logitsInit === 'small' ? LOGITS_INIT_SCALE : 1;
  const logitsInit = tfl.initializers.varianceScaling({
    scale: logitsScale,
    mode: 'fanAvg',
    distribution: 'uniform',
    seed: seed + 4,
  });
  return tfl.sequential({
    name: 'cnn',
    layers: [
      // [batch, 28, 28, 1] -> [batch, 28, 28, 32]
      tfl.layers.conv2d({
        inputShape: [IMAGE_SIDE, IMAGE_SIDE, 1],
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      // [batch, 14, 14, 32]
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      // [batch, 14, 14, 64]
      tfl.layers.conv2d({
        filters: 64,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(2),
      }),
      // [batch, 7, 7, 64]
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      // [batch, 3136]
      tfl.layers.flatten(),
      // [batch, 128]
      tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(3) }),
      // [batch, 10]
      tfl.layers.dense({ units: NUM_CLASSES, kernelInitializer: logitsInit }),
    ],
  });
}

/** Mean softmax cross-entropy of logits [batch, 10] against integer labels [batch]. */
export function classifierLoss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits); // [batch, 10]
    const picked = tf.sum(tf.mul(logProbs, tf.oneHot(labels, NUM_CLASSES)), 1); // [batch]
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}
