// torchvision's classification models where no torchvision source is installed: the modules
// `torchvision`, `torchvision.models` and its submodules (`torchvision.models.resnet`, ...) as
// Python texts of our own, built from the generated table (torchvision-table.ts, written by
// scripts/truth/torchvision_models.py from the real models). The interpreter reads them like any
// library file, so `backbone.fc = nn.Identity()`, `model.classifier[1] = nn.Linear(...)` and
// `nn.Sequential(*list(model.children())[:-1])` work as on the real source.
//
// The table lists the constructors; the families written out whole (the classes of
// `torchvision.models.resnet`: ResNet, BasicBlock, Bottleneck, conv3x3, conv1x1; DenseNet,
// MobileNetV2/V3, EfficientNet B0–B7, ConvNeXt), re-authored as torchvision builds them, replace
// the table's entries and add the constructors of those families it lacks (convnext_base/large):
// every layer inside a block is known and their own arguments (`norm_layer`, `width_mult`) are
// followed. Any other name of `torchvision.models` (a detection model, `vit_b_16`) and, for a family
// only the table holds, any constructor argument other than `weights`, `progress`, `pretrained` and
// `num_classes` is unknown, never a default model. An installed torchvision (site-packages) is read
// instead of this whenever one is found (workspace/loader.ts).

import { timmFile } from './timm';
import { TORCHVISION_MODELS } from './torchvision-table';

/**
 * The folder the texts of the libraries the engine carries live under (this table, and timm's
 * layers: model/timm.ts): not a real folder, and no file of a workspace is under it.
 */
export const CARRIED_LIBRARIES_ROOT = '/<cnnshape carried libraries>';

/** The packages the engine carries a text of, read where no environment holds them. */
export const CARRIED_PACKAGES = new Set(['torchvision', 'timm']);

/** The submodules of `torchvision.models` that user code imports constructors from. */
const SUBMODULES = ['alexnet', 'vgg', 'resnet', 'densenet', 'mobilenet', 'mobilenetv2', 'mobilenetv3', 'efficientnet', 'squeezenet', 'shufflenetv2', 'mnasnet', 'regnet', 'convnext'];

/**
 * Names a submodule binds to a class the shared text holds under another name (two families'
 * blocks share a name in torchvision, each in its own submodule).
 */
const SUBMODULE_ALIASES: Record<string, string> = {
  mobilenetv3: 'from torchvision.models import _V3InvertedResidual as InvertedResidual\n',
};

/** The weights enums (and their members, as torchvision 0.14 has them) of written-out constructors the generated table lacks. */
const EXTRA_WEIGHTS: [string, string[]][] = [
  ['ConvNeXt_Base_Weights', ['IMAGENET1K_V1', 'DEFAULT']],
  ['ConvNeXt_Large_Weights', ['IMAGENET1K_V1', 'DEFAULT']],
];

let modelsText: string | undefined;

/**
 * The classes `torchvision.models.resnet` builds its models from, written out (our own text, not
 * torchvision's): code that passes its own block (`ResNet(SEBottleneck, [3, 4, 6, 3])`), subclasses
 * `ResNet` for an encoder, or builds `Bottleneck(...)` alone gets the real structure, its children
 * named and registered in torchvision's order and each block called with torchvision's positional
 * arguments `(inplanes, planes, stride, downsample, groups, base_width, dilation, norm_layer)`.
 * The table's constructors (`resnet50()`) keep their opaque blocks.
 */
const RESNET_CLASSES = `
def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation, groups=groups, bias=False, dilation=dilation)


def conv1x1(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1, norm_layer=None):
        super().__init__()
        norm = nn.BatchNorm2d if norm_layer is None else norm_layer
        if groups != 1 or base_width != 64:
            raise ValueError('BasicBlock only supports groups=1 and base_width=64')
        if dilation > 1:
            raise NotImplementedError('Dilation > 1 not supported in BasicBlock')
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu(y + shortcut)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1, norm_layer=None):
        super().__init__()
        norm = nn.BatchNorm2d if norm_layer is None else norm_layer
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu(y + shortcut)


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False, groups=1, width_per_group=64, replace_stride_with_dilation=None, norm_layer=None):
        super().__init__()
        self._norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        self.inplanes = 64
        self.dilation = 1
        dilate = [False, False, False] if replace_stride_with_dilation is None else replace_stride_with_dilation
        if len(dilate) != 3:
            raise ValueError('replace_stride_with_dilation should be None or a 3-element tuple')
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = self._norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2, dilate=dilate[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2, dilate=dilate[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2, dilate=dilate[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
        norm = self._norm_layer
        first_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride), norm(planes * block.expansion))
        stage = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width, first_dilation, norm)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            stage.append(block(self.inplanes, planes, groups=self.groups, base_width=self.base_width, dilation=self.dilation, norm_layer=norm))
        return nn.Sequential(*stage)

    def _forward_impl(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)

    def forward(self, x):
        return self._forward_impl(x)
`;

/** torchvision.models.mobilenetv2's classes (and the Conv2dNormActivation of torchvision.ops), written out as torchvision builds them. */
const MOBILENET_V2_CLASSES = `
def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    rounded = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * v:
        rounded += divisor
    return rounded


class Conv2dNormActivation(nn.Sequential):
    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1, norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None):
        if padding is None:
            padding = (kernel_size - 1) // 2 * dilation
        if bias is None:
            bias = norm_layer is None
        layers = [nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation, groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer() if inplace is None else activation_layer(inplace=inplace))
        super().__init__(*layers)
        self.out_channels = out_channels


class InvertedResidual(nn.Module):
    def __init__(self, inp, oup, stride, expand_ratio, norm_layer=None):
        super().__init__()
        self.stride = stride
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        hidden = int(round(inp * expand_ratio))
        self.use_res_connect = stride == 1 and inp == oup
        layers = []
        if expand_ratio != 1:
            layers.append(Conv2dNormActivation(inp, hidden, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.ReLU6))
        layers.append(Conv2dNormActivation(hidden, hidden, stride=stride, groups=hidden, norm_layer=norm_layer, activation_layer=nn.ReLU6))
        layers.append(nn.Conv2d(hidden, oup, 1, 1, 0, bias=False))
        layers.append(norm_layer(oup))
        self.conv = nn.Sequential(*layers)
        self.out_channels = oup

    def forward(self, x):
        if self.use_res_connect:
            return x + self.conv(x)
        return self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self, num_classes=1000, width_mult=1.0, inverted_residual_setting=None, round_nearest=8, block=None, norm_layer=None, dropout=0.2):
        super().__init__()
        if block is None:
            block = InvertedResidual
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        if inverted_residual_setting is None:
            inverted_residual_setting = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]
        channels = _make_divisible(32 * width_mult, round_nearest)
        self.last_channel = _make_divisible(1280 * max(1.0, width_mult), round_nearest)
        features = [Conv2dNormActivation(3, channels, stride=2, norm_layer=norm_layer, activation_layer=nn.ReLU6)]
        for t, c, n, s in inverted_residual_setting:
            out = _make_divisible(c * width_mult, round_nearest)
            for i in range(n):
                features.append(block(channels, out, s if i == 0 else 1, expand_ratio=t, norm_layer=norm_layer))
                channels = out
        features.append(Conv2dNormActivation(channels, self.last_channel, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.ReLU6))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(self.last_channel, num_classes))

    def forward(self, x):
        x = self.features(x)
        x = F.adaptive_avg_pool2d(x, (1, 1))
        return self.classifier(torch.flatten(x, 1))


def mobilenet_v2(*, weights=None, progress=True, pretrained=False, num_classes=1000, **kwargs):
    return MobileNetV2(num_classes=num_classes, **kwargs)
`;

/** torchvision.models.efficientnet's B0–B7 classes (and torchvision.ops' SqueezeExcitation and StochasticDepth), written out as torchvision builds them in eval mode. */
const EFFICIENTNET_CLASSES = `
class SqueezeExcitation(nn.Module):
    def __init__(self, input_channels, squeeze_channels, activation=nn.ReLU, scale_activation=nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def forward(self, input):
        scale = self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(input)))))
        return scale * input


class StochasticDepth(nn.Module):
    def __init__(self, p, mode):
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, input):
        return input


class MBConv(nn.Module):
    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, stochastic_depth_prob, norm_layer):
        super().__init__()
        self.use_res_connect = stride == 1 and input_channels == out_channels
        expanded = _make_divisible(input_channels * expand_ratio, 8)
        layers = []
        if expanded != input_channels:
            layers.append(Conv2dNormActivation(input_channels, expanded, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers.append(Conv2dNormActivation(expanded, expanded, kernel_size=kernel, stride=stride, groups=expanded, norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers.append(SqueezeExcitation(expanded, max(1, input_channels // 4), activation=nn.SiLU))
        layers.append(Conv2dNormActivation(expanded, out_channels, kernel_size=1, norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = out_channels

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result += input
        return result


class EfficientNet(nn.Module):
    def __init__(self, width_mult, depth_mult, dropout, stochastic_depth_prob=0.2, num_classes=1000, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        setting = [[1, 3, 1, 32, 16, 1], [6, 3, 2, 16, 24, 2], [6, 5, 2, 24, 40, 2], [6, 3, 2, 40, 80, 3], [6, 5, 1, 80, 112, 3], [6, 5, 2, 112, 192, 4], [6, 3, 1, 192, 320, 1]]
        stages = [[e, k, s, _make_divisible(i * width_mult, 8), _make_divisible(o * width_mult, 8), int(math.ceil(n * depth_mult))] for e, k, s, i, o, n in setting]
        layers = [Conv2dNormActivation(3, stages[0][3], kernel_size=3, stride=2, norm_layer=norm_layer, activation_layer=nn.SiLU)]
        total = sum(st[5] for st in stages)
        block_id = 0
        for e, k, s, i, o, n in stages:
            stage = []
            for j in range(n):
                stage.append(MBConv(e, k, s if j == 0 else 1, i if j == 0 else o, o, stochastic_depth_prob * float(block_id) / total, norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = stages[-1][4]
        last_channel = 4 * last_in
        layers.append(Conv2dNormActivation(last_in, last_channel, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(last_channel, num_classes))

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))
`;

/**
 * torchvision.models.mobilenetv3's classes, written out as torchvision builds them (its
 * InvertedResidual is `_V3InvertedResidual` here, named back in `torchvision.models.mobilenetv3`,
 * since MobileNetV2's holds the name in the one module these texts share).
 */
const MOBILENET_V3_CLASSES = `
class InvertedResidualConfig:
    def __init__(self, input_channels, kernel, expanded_channels, out_channels, use_se, activation, stride, dilation, width_mult):
        self.input_channels = self.adjust_channels(input_channels, width_mult)
        self.kernel = kernel
        self.expanded_channels = self.adjust_channels(expanded_channels, width_mult)
        self.out_channels = self.adjust_channels(out_channels, width_mult)
        self.use_se = use_se
        self.use_hs = activation == "HS"
        self.stride = stride
        self.dilation = dilation

    @staticmethod
    def adjust_channels(channels, width_mult):
        return _make_divisible(channels * width_mult, 8)


class _V3InvertedResidual(nn.Module):
    def __init__(self, cnf, norm_layer, se_layer=partial(SqueezeExcitation, scale_activation=nn.Hardsigmoid)):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        act = nn.Hardswish if cnf.use_hs else nn.ReLU
        layers = []
        if cnf.expanded_channels != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, cnf.expanded_channels, kernel_size=1, norm_layer=norm_layer, activation_layer=act))
        layers.append(Conv2dNormActivation(cnf.expanded_channels, cnf.expanded_channels, kernel_size=cnf.kernel, stride=1 if cnf.dilation > 1 else cnf.stride, dilation=cnf.dilation, groups=cnf.expanded_channels, norm_layer=norm_layer, activation_layer=act))
        if cnf.use_se:
            layers.append(se_layer(cnf.expanded_channels, _make_divisible(cnf.expanded_channels // 4, 8)))
        layers.append(Conv2dNormActivation(cnf.expanded_channels, cnf.out_channels, kernel_size=1, norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.out_channels = cnf.out_channels
        self._is_cn = cnf.stride > 1

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result += input
        return result


class MobileNetV3(nn.Module):
    def __init__(self, inverted_residual_setting, last_channel, num_classes=1000, block=None, norm_layer=None, dropout=0.2, **kwargs):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if block is None:
            block = _V3InvertedResidual
        if norm_layer is None:
            norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
        first = inverted_residual_setting[0].input_channels
        layers = [Conv2dNormActivation(3, first, kernel_size=3, stride=2, norm_layer=norm_layer, activation_layer=nn.Hardswish)]
        for cnf in inverted_residual_setting:
            layers.append(block(cnf, norm_layer))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = 6 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.Hardswish))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(last_out, last_channel), nn.Hardswish(inplace=True), nn.Dropout(p=dropout, inplace=True), nn.Linear(last_channel, num_classes))

    def _forward_impl(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))

    def forward(self, x):
        return self._forward_impl(x)


def _mobilenet_v3_conf(arch, width_mult=1.0, reduced_tail=False, dilated=False, **kwargs):
    r = 2 if reduced_tail else 1
    d = 2 if dilated else 1
    conf = partial(InvertedResidualConfig, width_mult=width_mult)
    if arch == "mobilenet_v3_large":
        rows = [
            (16, 3, 16, 16, False, "RE", 1, 1), (16, 3, 64, 24, False, "RE", 2, 1), (24, 3, 72, 24, False, "RE", 1, 1),
            (24, 5, 72, 40, True, "RE", 2, 1), (40, 5, 120, 40, True, "RE", 1, 1), (40, 5, 120, 40, True, "RE", 1, 1),
            (40, 3, 240, 80, False, "HS", 2, 1), (80, 3, 200, 80, False, "HS", 1, 1), (80, 3, 184, 80, False, "HS", 1, 1),
            (80, 3, 184, 80, False, "HS", 1, 1), (80, 3, 480, 112, True, "HS", 1, 1), (112, 3, 672, 112, True, "HS", 1, 1),
            (112, 5, 672, 160 // r, True, "HS", 2, d), (160 // r, 5, 960 // r, 160 // r, True, "HS", 1, d), (160 // r, 5, 960 // r, 160 // r, True, "HS", 1, d),
        ]
        last_channel = InvertedResidualConfig.adjust_channels(1280 // r, width_mult)
    elif arch == "mobilenet_v3_small":
        rows = [
            (16, 3, 16, 16, True, "RE", 2, 1), (16, 3, 72, 24, False, "RE", 2, 1), (24, 3, 88, 24, False, "RE", 1, 1),
            (24, 5, 96, 40, True, "HS", 2, 1), (40, 5, 240, 40, True, "HS", 1, 1), (40, 5, 240, 40, True, "HS", 1, 1),
            (40, 5, 120, 48, True, "HS", 1, 1), (48, 5, 144, 48, True, "HS", 1, 1), (48, 5, 288, 96 // r, True, "HS", 2, d),
            (96 // r, 5, 576 // r, 96 // r, True, "HS", 1, d), (96 // r, 5, 576 // r, 96 // r, True, "HS", 1, d),
        ]
        last_channel = InvertedResidualConfig.adjust_channels(1024 // r, width_mult)
    else:
        raise ValueError("Unsupported model type")
    return [conf(*row) for row in rows], last_channel


def mobilenet_v3_large(*, weights=None, progress=True, pretrained=False, **kwargs):
    setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_large", **kwargs)
    return MobileNetV3(setting, last_channel, **kwargs)


def mobilenet_v3_small(*, weights=None, progress=True, pretrained=False, **kwargs):
    setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_small", **kwargs)
    return MobileNetV3(setting, last_channel, **kwargs)
`;

/** torchvision's EfficientNet B0–B7: name, width and depth multipliers, dropout, and whether its BatchNorm is TensorFlow's (eps 1e-3, momentum 0.01). */
const EFFICIENTNET_CONFIGS: [string, number, number, number, boolean][] = [
  ['efficientnet_b0', 1.0, 1.0, 0.2, false],
  ['efficientnet_b1', 1.0, 1.1, 0.2, false],
  ['efficientnet_b2', 1.1, 1.2, 0.3, false],
  ['efficientnet_b3', 1.2, 1.4, 0.3, false],
  ['efficientnet_b4', 1.4, 1.8, 0.4, false],
  ['efficientnet_b5', 1.6, 2.2, 0.4, true],
  ['efficientnet_b6', 1.8, 2.6, 0.5, true],
  ['efficientnet_b7', 2.0, 3.1, 0.5, true],
];

/** torchvision.models.convnext's classes (and torchvision.ops' Permute), written out as torchvision builds them in eval mode. */
const CONVNEXT_CLASSES = `
class Permute(nn.Module):
    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return torch.permute(x, self.dims)


class LayerNorm2d(nn.LayerNorm):
    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    def __init__(self, dim, layer_scale, stochastic_depth_prob, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = partial(nn.LayerNorm, eps=1e-6)
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True),
            Permute([0, 2, 3, 1]),
            norm_layer(dim),
            nn.Linear(in_features=dim, out_features=4 * dim, bias=True),
            nn.GELU(),
            nn.Linear(in_features=4 * dim, out_features=dim, bias=True),
            Permute([0, 3, 1, 2]),
        )
        self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")

    def forward(self, input):
        result = self.stochastic_depth(self.layer_scale * self.block(input))
        result += input
        return result


class CNBlockConfig:
    def __init__(self, input_channels, out_channels, num_layers):
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers


class ConvNeXt(nn.Module):
    def __init__(self, block_setting, stochastic_depth_prob=0.0, layer_scale=1e-6, num_classes=1000, block=None, norm_layer=None, **kwargs):
        super().__init__()
        if not block_setting:
            raise ValueError("The block_setting should not be empty")
        if block is None:
            block = CNBlock
        if norm_layer is None:
            norm_layer = partial(LayerNorm2d, eps=1e-6)
        layers = [Conv2dNormActivation(3, block_setting[0].input_channels, kernel_size=4, stride=4, padding=0, norm_layer=norm_layer, activation_layer=None, bias=True)]
        total = sum(cnf.num_layers for cnf in block_setting)
        block_id = 0
        for cnf in block_setting:
            stage = []
            for _ in range(cnf.num_layers):
                stage.append(block(cnf.input_channels, layer_scale, stochastic_depth_prob * block_id / (total - 1.0)))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if cnf.out_channels is not None:
                layers.append(nn.Sequential(norm_layer(cnf.input_channels), nn.Conv2d(cnf.input_channels, cnf.out_channels, kernel_size=2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        last = block_setting[-1]
        last_channels = last.out_channels if last.out_channels is not None else last.input_channels
        self.classifier = nn.Sequential(norm_layer(last_channels), nn.Flatten(1), nn.Linear(last_channels, num_classes))

    def _forward_impl(self, x):
        return self.classifier(self.avgpool(self.features(x)))

    def forward(self, x):
        return self._forward_impl(x)
`;

/** torchvision's ConvNeXt constructors: name, (input channels, output channels, blocks) per stage, default stochastic depth. */
const CONVNEXT_CONFIGS: [string, [number, number | null, number][], number][] = [
  ['convnext_tiny', [[96, 192, 3], [192, 384, 3], [384, 768, 9], [768, null, 3]], 0.1],
  ['convnext_small', [[96, 192, 3], [192, 384, 3], [384, 768, 27], [768, null, 3]], 0.4],
  ['convnext_base', [[128, 256, 3], [256, 512, 3], [512, 1024, 27], [1024, null, 3]], 0.5],
  ['convnext_large', [[192, 384, 3], [384, 768, 3], [768, 1536, 27], [1536, null, 3]], 0.5],
];

/** torchvision.models.densenet's classes, written out as torchvision builds them (eval mode). */
const DENSENET_CLASSES = `
class _DenseLayer(nn.Module):
    def __init__(self, num_input_features, growth_rate, bn_size, drop_rate, memory_efficient=False):
        super().__init__()
        width = bn_size * growth_rate
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, width, kernel_size=1, stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(width)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(width, growth_rate, kernel_size=3, stride=1, padding=1, bias=False)
        self.drop_rate = float(drop_rate)

    def forward(self, features):
        inputs = [features] if isinstance(features, torch.Tensor) else features
        out = self.conv1(self.relu1(self.norm1(torch.cat(inputs, 1))))
        return self.conv2(self.relu2(self.norm2(out)))


class _DenseBlock(nn.ModuleDict):
    def __init__(self, num_layers, num_input_features, bn_size, growth_rate, drop_rate, memory_efficient=False):
        super().__init__()
        for i in range(num_layers):
            self.add_module("denselayer%d" % (i + 1), _DenseLayer(num_input_features + i * growth_rate, growth_rate, bn_size, drop_rate, memory_efficient))

    def forward(self, init_features):
        features = [init_features]
        for name, layer in self.items():
            features.append(layer(features))
        return torch.cat(features, 1)


class _Transition(nn.Sequential):
    def __init__(self, num_input_features, num_output_features):
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    def __init__(self, growth_rate=32, block_config=(6, 12, 24, 16), num_init_features=64, bn_size=4, drop_rate=0, num_classes=1000, memory_efficient=False):
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv0", nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3, bias=False)),
            ("norm0", nn.BatchNorm2d(num_init_features)),
            ("relu0", nn.ReLU(inplace=True)),
            ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1)),
        ]))
        channels = num_init_features
        for i, num_layers in enumerate(block_config):
            self.features.add_module("denseblock%d" % (i + 1), _DenseBlock(num_layers, channels, bn_size, growth_rate, drop_rate, memory_efficient))
            channels = channels + num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module("transition%d" % (i + 1), _Transition(channels, channels // 2))
                channels = channels // 2
        self.features.add_module("norm5", nn.BatchNorm2d(channels))
        self.classifier = nn.Linear(channels, num_classes)

    def forward(self, x):
        out = F.relu(self.features(x), inplace=True)
        out = F.adaptive_avg_pool2d(out, (1, 1))
        return self.classifier(torch.flatten(out, 1))
`;

/** torchvision's DenseNet constructors: name, growth rate, layers per block, initial features. */
const DENSENET_CONFIGS: [string, number, number[], number][] = [
  ['densenet121', 32, [6, 12, 24, 16], 64],
  ['densenet161', 48, [6, 12, 36, 24], 96],
  ['densenet169', 32, [6, 12, 32, 32], 64],
  ['densenet201', 32, [6, 12, 48, 32], 64],
];

/** torchvision's ResNet constructors: name, block, blocks per stage, and the ResNet arguments they set. */
const RESNET_CONFIGS: [string, string, number[], string][] = [
  ['resnet18', 'BasicBlock', [2, 2, 2, 2], ''],
  ['resnet34', 'BasicBlock', [3, 4, 6, 3], ''],
  ['resnet50', 'Bottleneck', [3, 4, 6, 3], ''],
  ['resnet101', 'Bottleneck', [3, 4, 23, 3], ''],
  ['resnet152', 'Bottleneck', [3, 8, 36, 3], ''],
  ['resnext50_32x4d', 'Bottleneck', [3, 4, 6, 3], "'groups': 32, 'width_per_group': 4"],
  ['resnext101_32x8d', 'Bottleneck', [3, 4, 23, 3], "'groups': 32, 'width_per_group': 8"],
  ['wide_resnet50_2', 'Bottleneck', [3, 4, 6, 3], "'width_per_group': 128"],
  ['wide_resnet101_2', 'Bottleneck', [3, 4, 23, 3], "'width_per_group': 128"],
];

function modelsModule(): string {
  if (modelsText !== undefined) return modelsText;
  const lines = [
    '# torchvision.models as the cnnshape table knows it (generated from torchvision by scripts/truth/torchvision_models.py).',
    'import math',
    'from functools import partial',
    'import torch',
    'from torch import nn',
    'import torch.nn.functional as F',
    'from collections import OrderedDict',
    'import cnnshape_torchvision as _tv',
    '',
  ];
  const enums = new Set<string>();
  for (const m of TORCHVISION_MODELS) {
    if (m.weights && !enums.has(m.weights[0])) {
      enums.add(m.weights[0]);
      lines.push(`class ${m.weights[0]}:`);
      for (const member of m.weights[1]) lines.push(`    ${member} = ${JSON.stringify(member)}`);
      lines.push('');
    }
    lines.push(m.source, '', '');
  }
  // The weights enums of the written-out constructors the table does not list (members as torchvision's).
  for (const [name, members] of EXTRA_WEIGHTS) {
    if (enums.has(name)) continue;
    enums.add(name);
    lines.push(`class ${name}:`, ...members.map((m) => `    ${m} = ${JSON.stringify(m)}`), '');
  }
  lines.push(RESNET_CLASSES);
  // The ResNet family's constructors build the written-out classes (so every layer inside a block
  // has its shape), replacing the table's opaque-block versions above: the configurations are
  // torchvision's (block, blocks per stage, groups, width per group).
  for (const [name, block, stages, extra] of RESNET_CONFIGS) {
    lines.push(
      `def ${name}(*, weights=None, progress=True, pretrained=False, num_classes=1000, **kwargs):`,
      ...(extra ? [`    kwargs = {${extra}, **kwargs}`] : []),
      `    return ResNet(${block}, [${stages.join(', ')}], num_classes=num_classes, **kwargs)`,
      '',
    );
  }
  lines.push(MOBILENET_V2_CLASSES);
  lines.push(EFFICIENTNET_CLASSES);
  for (const [name, width, depth, dropout, tfNorm] of EFFICIENTNET_CONFIGS) {
    lines.push(
      `def ${name}(*, weights=None, progress=True, pretrained=False, num_classes=1000, **kwargs):`,
      ...(tfNorm ? ['    kwargs = {"norm_layer": partial(nn.BatchNorm2d, eps=0.001, momentum=0.01), **kwargs}'] : []),
      `    return EfficientNet(${width}, ${depth}, ${dropout}, num_classes=num_classes, **kwargs)`,
      '',
    );
  }
  lines.push(MOBILENET_V3_CLASSES);
  lines.push(CONVNEXT_CLASSES);
  for (const [name, stages, depthProb] of CONVNEXT_CONFIGS) {
    lines.push(
      `def ${name}(*, weights=None, progress=True, pretrained=False, **kwargs):`,
      `    setting = [${stages.map(([i, o, n]) => `CNBlockConfig(${i}, ${o ?? 'None'}, ${n})`).join(', ')}]`,
      `    stochastic_depth_prob = kwargs.pop("stochastic_depth_prob", ${depthProb})`,
      '    return ConvNeXt(setting, stochastic_depth_prob=stochastic_depth_prob, **kwargs)',
      '',
    );
  }
  lines.push(DENSENET_CLASSES);
  for (const [name, growth, blocks, init] of DENSENET_CONFIGS) {
    lines.push(
      `def ${name}(*, weights=None, progress=True, pretrained=False, num_classes=1000, **kwargs):`,
      `    return DenseNet(${growth}, (${blocks.join(', ')}), ${init}, num_classes=num_classes, **kwargs)`,
      '',
    );
  }
  modelsText = lines.join('\n');
  return modelsText;
}

/** The text of a file under CARRIED_LIBRARIES_ROOT; undefined for any other path. */
export function carriedLibraryFile(path: string): string | undefined {
  if (!path.startsWith(`${CARRIED_LIBRARIES_ROOT}/`)) return undefined;
  const rel = path.slice(CARRIED_LIBRARIES_ROOT.length + 1);
  if (rel.startsWith('timm/')) return timmFile(rel);
  if (rel === 'torchvision/__init__.py') return '';
  if (rel === 'torchvision/models/__init__.py') return modelsModule();
  const sub = /^torchvision\/models\/([a-z0-9_]+)\.py$/.exec(rel);
  if (sub && SUBMODULES.includes(sub[1])) return `from torchvision.models import *\n${SUBMODULE_ALIASES[sub[1]] ?? ''}`;
  return undefined;
}
