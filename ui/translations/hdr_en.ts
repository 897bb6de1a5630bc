<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>MainWindow</name>
    <message>
        <source>无法加载网络权重</source>
        <translation>Cannot load the network weights</translation>
    </message>
    <message>
        <source>无法加载网络权重文件：
{path}

{error}

恢复方法：
  git checkout weights/    （取回仓库里的权重）
或
  python main.py train    （重新训练）

在此之前可以写字，但不能识别。</source>
        <translation>Cannot load the network weights file:
{path}

{error}

To restore it:
  git checkout weights/    (get the shipped weights back)
or
  python main.py train    (train new weights)

Until then you can draw, but not recognise.</translation>
    </message>
    <message>
        <source>在这里用鼠标写一个数字</source>
        <translation>Write a digit here with the mouse</translation>
    </message>
    <message>
        <source>没有加载网络权重：可以写字，但不能识别。</source>
        <translation>No network weights loaded: you can draw, but not recognise.</translation>
    </message>
    <message>
        <source>没有加载网络权重，无法识别。</source>
        <translation>No network weights loaded, so nothing can be recognised.</translation>
    </message>
    <message>
        <source>测试集第 {index} 张 · 真实标签 {label}</source>
        <translation>Test image no. {index} · true label {label}</translation>
    </message>
    <message>
        <source>第 {group} 组</source>
        <translation>Group {group}</translation>
    </message>
    <message>
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>100 次随机抽取的准确率：{percent:.0f}%</source>
        <translation>Accuracy on 100 random draws: {percent:.0f}%</translation>
    </message>
    <message>
        <source>用鼠标在黑色画板上写一个数字（0–9），然后点击「识别」或按 Enter。</source>
        <translation>Write a digit (0–9) on the black canvas with the mouse, then click “Recognise” or press Enter.</translation>
    </message>
    <message>
        <source>点击「抽取」从 MNIST 测试集随机取一张图片，再点击「识别」。</source>
        <translation>Click “Draw sample” to pick a random MNIST test image, then click “Recognise”.</translation>
    </message>
    <message>
        <source>MNIST 模式需要 MNIST 数据；手写输入模式照常可用。</source>
        <translation>MNIST mode needs the MNIST data; mouse handwriting works as usual.</translation>
    </message>
    <message>
        <source>点击「抽取」</source>
        <translation>Click “Draw sample”</translation>
    </message>
    <message>
        <source>没有找到 MNIST 数据。</source>
        <translation>The MNIST data was not found.</translation>
    </message>
    <message>
        <source>MNIST 数据无法读取。</source>
        <translation>The MNIST data cannot be read.</translation>
    </message>
    <message>
        <source>获取方法：运行
  python main.py download-mnist
或者把环境变量 HDR_DATA_DIR（或参数 --data-dir）设为包含四个 IDX .gz 文件的文件夹。</source>
        <translation>To get it, run
  python main.py download-mnist
or set the environment variable HDR_DATA_DIR (or the option --data-dir) to a folder holding the four IDX .gz files.</translation>
    </message>
    <message>
        <source>详情：{error}</source>
        <translation>Details: {error}</translation>
    </message>
    <message>
        <source>画板是空的：请先用鼠标写一个数字。</source>
        <translation>The canvas is empty: write a digit with the mouse first.</translation>
    </message>
    <message>
        <source>请先点击「抽取」随机取一张测试图片。</source>
        <translation>Click “Draw sample” first to pick a random test image.</translation>
    </message>
    <message>
        <source>真实标签 {label} · ✓ 正确</source>
        <translation>True label {label} · ✓ right</translation>
    </message>
    <message>
        <source>真实标签 {label} · ✗ 错误</source>
        <translation>True label {label} · ✗ wrong</translation>
    </message>
    <message>
        <source>识别用时 {ms:.1f} 毫秒</source>
        <translation>Recognised in {ms:.1f} ms</translation>
    </message>
    <message>
        <source>置信度 {percent:.1f}%</source>
        <translation>Confidence {percent:.1f}%</translation>
    </message>
    <message>
        <source>这不像一个数字（最像 {digit}，{percent:.0f}%）</source>
        <translation>This doesn&apos;t look like a digit (closest: {digit}, {percent:.0f}%)</translation>
    </message>
    <message>
        <source>不太确定：也可能是 {digit}</source>
        <translation>Not sure: it could also be {digit}</translation>
    </message>
    <message>
        <source>正确 {right} / 共 {drawn} 张</source>
        <translation>Right {right} / drawn {drawn}</translation>
    </message>
    <message>
        <source>出错了</source>
        <translation>Something went wrong</translation>
    </message>
    <message>
        <source>操作没有完成：
{error}</source>
        <translation>The action did not complete:
{error}</translation>
    </message>
    <message>
        <source>手写数字识别</source>
        <translation>Handwritten Digit Recognition</translation>
    </message>
    <message>
        <source>模式：</source>
        <translation>Mode:</translation>
    </message>
    <message>
        <source>选择数字的来源：自己用鼠标写，或从 MNIST 测试集随机抽取</source>
        <translation>Where the digit comes from: your own mouse handwriting, or a random MNIST test image</translation>
    </message>
    <message>
        <source>鼠标手写输入</source>
        <translation>Mouse handwriting</translation>
    </message>
    <message>
        <source>MNIST 随机抽取</source>
        <translation>MNIST random sample</translation>
    </message>
    <message>
        <source>笔宽：</source>
        <translation>Pen width:</translation>
    </message>
    <message>
        <source>笔画粗细（按 280 像素宽的画板计）</source>
        <translation>Stroke width (in pixels of a 280-pixel-wide canvas)</translation>
    </message>
    <message>
        <source>从 MNIST 测试集随机抽取一张图片</source>
        <translation>Pick a random image from the MNIST test set</translation>
    </message>
    <message>
        <source>抽取</source>
        <translation>Draw sample</translation>
    </message>
    <message>
        <source>清除画板和结果（Esc）</source>
        <translation>Clear the canvas and the result (Esc)</translation>
    </message>
    <message>
        <source>清除</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>撤销上一笔（Ctrl+Z）</source>
        <translation>Undo the last stroke (Ctrl+Z)</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>让网络识别这个数字（Enter）</source>
        <translation>Let the network recognise this digit (Enter)</translation>
    </message>
    <message>
        <source>识别</source>
        <translation>Recognise</translation>
    </message>
    <message>
        <source>识别结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>网络实际收到的 28×28 输入（放大显示）</source>
        <translation>The 28×28 input the network actually received (enlarged)</translation>
    </message>
    <message>
        <source>网络的输入</source>
        <translation>Network input</translation>
    </message>
    <message>
        <source>每个数字的概率：</source>
        <translation>Probability of each digit:</translation>
    </message>
    <message>
        <source>MNIST 测试集成绩</source>
        <translation>MNIST test-set score</translation>
    </message>
    <message>
        <source>随机抽取 10 组、每组 10 张测试图片，统计每组和总的准确率</source>
        <translation>Draw 10 groups of 10 random test images and show the accuracy per group and in total</translation>
    </message>
    <message>
        <source>评测100次</source>
        <translation>Score 100 draws</translation>
    </message>
    <message>
        <source>组</source>
        <translation>Group</translation>
    </message>
    <message>
        <source>正确</source>
        <translation>Right</translation>
    </message>
    <message>
        <source>准确率</source>
        <translation>Accuracy</translation>
    </message>
    <message>
        <source>正在读取 MNIST 测试集……</source>
        <translation>Reading the MNIST test set…</translation>
    </message>
    <message>
        <source>画板上没有看得出的笔迹：请把数字写大一些。</source>
        <translation>No clear ink on the canvas: write the digit bigger.</translation>
    </message>
    <message>
        <source>然后重新选择「MNIST 随机抽取」模式即可再读取一次。</source>
        <translation>Then choose “MNIST random sample” again to read it once more.</translation>
    </message>
</context>
</TS>
