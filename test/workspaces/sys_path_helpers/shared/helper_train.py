def train(model, loader, epochs=1):
    for epoch in range(epochs):
        for features, targets in loader:
            logits = model(features)
            break
    return model
