# Keras version of the PyTorch model `Residual`: images are channels-last (N, H, W, C) where PyTorch has (N, C, H, W).
from tensorflow import keras
from tensorflow.keras import layers


inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(16, 3, padding="same")(inputs)
x = layers.ReLU()(x)
out = layers.Conv2D(16, 3, padding="same")(x)
out = layers.ReLU()(out)
out = layers.Conv2D(16, 3, padding="same")(out)
out = layers.Add()([out, x])
x = layers.Conv2D(32, 1, strides=2)(out)
pooled = layers.GlobalAveragePooling2D()(x)
pooled = layers.Dense(3)(pooled)
residual_keras = keras.Model(inputs, [pooled, out], name="Residual")
