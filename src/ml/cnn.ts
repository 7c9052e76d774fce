import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { IMAGE_SIDE, NUM_CLASSES } from '../data/index.js';

/** Digits the classifier tells apart. */

/**
 * The classifier: 2×[Conv→ReLU→MaxPool], Flatten→Dense→ReLU→Dense, small enough to train in
 * minutes on a laptop's cores yet past 99% on MNIST. It outputs logits; softmax is applied where
 * probabilities are needed.
 */
export function createClassifier(seed: number): tfl.Sequential {
  const init = (offset: number) => tfl.initializers.heNormal({ seed: seed + offset });
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
      tfl.layers.dense({ units: NUM_CLASSES, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 4 }) }),
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
