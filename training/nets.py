"""The networks of the kit and the loops that fit them, shared by pretrain.py, finetune.py, to_onnx.py and
demo_experiment.py: a backbone (TinyCNN or DenseNet-121 with one input channel) that turns an image into a
feature vector, heads on it for the proxy labels (pretraining) or for osteoporosis (fine-tuning)."""
import math

import torch
from torch import nn


class TinyCNN(nn.Module):
    """Four blocks of two conv-BN-ReLU, each block halving the size, then global average pooling: about 74k weights."""

    def __init__(self, widths=(8, 16, 32, 64)):
        super().__init__()
        layers, channels = [], 1
        for width in widths:
            layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
                       nn.Conv2d(width, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
                       nn.MaxPool2d(2)]
            channels = width
        self.features = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.out_features = channels

    def forward(self, image):
        return self.features(image)


class DenseNet121(nn.Module):
    """torchvision's DenseNet-121 with a one-channel stem and no classifier; no ImageNet weights (none are
    downloaded: the proxy-label pretraining is what replaces them)."""

    def __init__(self):
        super().__init__()
        import torchvision
        net = torchvision.models.densenet121(weights=None)
        net.features.conv0 = nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.features = nn.Sequential(net.features, nn.ReLU(inplace=False), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.out_features = net.classifier.in_features

    def forward(self, image):
        return self.features(image)


def backbone(config):
    if config["architecture"] == "tinycnn":
        return TinyCNN()
    if config["architecture"] == "densenet121":
        return DenseNet121()
    raise SystemExit(f"unknown architecture {config['architecture']} in {config.get('path')}")


class MultiTask(nn.Module):
    """Backbone + one head per proxy label: body part, view position, sex (classes) and age (regression)."""

    def __init__(self, body, classes):
        super().__init__()
        self.backbone = body
        self.heads = nn.ModuleDict({task: nn.Linear(body.out_features, n) for task, n in classes.items()})
        self.age = nn.Linear(body.out_features, 1)

    def forward(self, image):
        features = self.backbone(image)
        out = {task: head(features) for task, head in self.heads.items()}
        out["age"] = self.age(features).squeeze(1)
        return out


class Classifier(nn.Module):
    """Backbone + one linear unit: the logit of osteoporosis."""

    def __init__(self, body):
        super().__init__()
        self.backbone = body
        self.head = nn.Linear(body.out_features, 1)

    def forward(self, image):
        return self.head(self.backbone(image))


class Deployed(nn.Module):
    """What goes into model.onnx: the probability (sigmoid), N x 1, as the model card says."""

    def __init__(self, classifier):
        super().__init__()
        self.classifier = classifier

    def forward(self, image):
        return torch.sigmoid(self.classifier(image))


def _flip(images, generator):
    """Random left-right flips: a hip is left or right, the phantoms and the radiographs alike."""
    flip = torch.rand(images.shape[0], generator=generator) < 0.5
    images = images.clone()
    images[flip] = images[flip].flip(-1)
    return images


def fit_multitask(model, loader, config, device, epochs, log, generator):
    # a small export (the integration test's) still gets min_steps updates
    epochs = max(epochs, math.ceil(config["pretrain"].get("min_steps", 0) / max(len(loader), 1)))
    opt = torch.optim.AdamW(model.parameters(), lr=config["pretrain"]["lr"],
                            weight_decay=config["pretrain"]["weight_decay"])
    steps = max(1, epochs * len(loader))
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=config["pretrain"]["lr"], total_steps=steps)
    ce = nn.CrossEntropyLoss(ignore_index=-1)
    model.to(device).train()
    for epoch in range(epochs):
        total, batches = 0.0, 0
        for images, targets in loader:
            images = _flip(images, generator).to(device)
            out = model(images)
            loss = sum(ce(out[task], targets[task].to(device)) for task in model.heads
                       if (targets[task] >= 0).any())
            age = targets["age"].to(device)
            known = ~torch.isnan(age)
            if known.any():
                loss = loss + nn.functional.mse_loss(out["age"][known], age[known])
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            total, batches = total + float(loss), batches + 1
        log(f"  pretrain epoch {epoch + 1}/{epochs}: loss {total / max(batches, 1):.3f}")
    return model


def fit_binary(model, loader, config, device, log, generator, pretrained):
    """Fits the classifier with BCE; a pretrained backbone learns at backbone_lr, a new one at lr."""
    settings = config["finetune"]
    epochs = max(settings["epochs"], math.ceil(settings["min_steps"] / max(len(loader), 1)))
    # max_steps (optional) caps the work on a large set: the demonstration's budget on 2 CPU cores
    steps = min(epochs * max(len(loader), 1), settings.get("max_steps", 10 ** 9))
    epochs = math.ceil(steps / max(len(loader), 1))
    backbone_lr = settings["backbone_lr"] if pretrained else settings["lr"]
    groups = [{"params": model.backbone.parameters(), "lr": backbone_lr},
              {"params": model.head.parameters(), "lr": settings["lr"]}]
    opt = torch.optim.AdamW(groups, weight_decay=settings["weight_decay"])
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[backbone_lr, settings["lr"]], total_steps=steps)
    loss_fn = nn.BCEWithLogitsLoss()
    model.to(device).train()
    done = 0
    for epoch in range(epochs):
        total, batches = 0.0, 0
        for images, target in loader:
            if done == steps:
                break
            done += 1
            images = _flip(images, generator).to(device)
            loss = loss_fn(model(images).squeeze(1), target.float().to(device))
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            total, batches = total + float(loss), batches + 1
        if log and (epoch + 1 == epochs or (epoch + 1) % 5 == 0):
            log(f"  finetune epoch {epoch + 1}/{epochs}: loss {total / max(batches, 1):.3f}")
    return model


@torch.no_grad()
def predict(model, loader, device):
    """Probabilities of osteoporosis, in the loader's order."""
    model.to(device).eval()
    out = [torch.sigmoid(model(images.to(device))).squeeze(1).cpu() for images, _ in loader]
    return torch.cat(out).numpy() if out else torch.zeros(0).numpy()
