<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>HundredDraws</name>
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
</context>
<context>
    <name>InsideWindow</name>
    <message>
        <source>概率</source>
        <translation>probability</translation>
    </message>
    <message>
        <source>跟随主窗口的「{mode}」：画板或图片一变，约 {ms} 毫秒后这里就更新。</source>
        <translation>Follows “{mode}” in the main window: updated about {ms} ms after the canvas or the image changes.</translation>
    </message>
    <message>
        <source>没有加载网络权重：无法显示网络内部。</source>
        <translation>No network weights loaded: there is no network to look inside.</translation>
    </message>
    <message>
        <source>点击主窗口的「抽取」，从 MNIST 测试集取一张图片。</source>
        <translation>Click “Draw sample” in the main window to pick an MNIST test image.</translation>
    </message>
    <message>
        <source>在主窗口的画板上写一个数字，这里就会一层一层地显示网络看到了什么。</source>
        <translation>Write a digit on the main window's canvas, and this window shows, layer by layer, what the network sees.</translation>
    </message>
    <message>
        <source>画板上没有看得出的笔迹：请把数字写大一些。</source>
        <translation>No clear ink on the canvas: write the digit bigger.</translation>
    </message>
    <message>
        <source>取值 0–1 · 形状 {shape}</source>
        <translation>values 0–1 · shape {shape}</translation>
    </message>
    <message>
        <source>{count} 个 {size}×{size} 的滤波器在输入上滑动（步长 1）：每个滤波器得到一张特征图 · W1 {weights} → 输出 {shape}</source>
        <translation>{count} filters of {size}×{size} slide over the input (stride 1): one feature map per filter · W1 {weights} → output {shape}</translation>
    </message>
    <message>
        <source>每个 2×2 小格只留下最大值：{before} → {after}，再展平成 {flat} 个数</source>
        <translation>each 2×2 cell keeps only its largest value: {before} → {after}, then flattened to {flat} numbers</translation>
    </message>
    <message>
        <source>{units} 个单元（{side}×{side}），每个读入全部 {inputs} 个数；{active} 个不为零 · 形状 {shape}</source>
        <translation>{units} units ({side}×{side}), each reads all {inputs} numbers; {active} not zero · shape {shape}</translation>
    </message>
    <message>
        <source>最强的 {count} 个：</source>
        <translation>The {count} strongest:</translation>
    </message>
    <message>
        <source>概率 = softmax(logit / T)，校准温度 T = {t:.2f} · 形状 {shape}</source>
        <translation>p = softmax(logit / T), calibrated T = {t:.2f} · shape {shape}</translation>
    </message>
    <message>
        <source>数字 {digit} 的 logit 对每个输入像素的梯度，由网络自己的反向传播算出：在橙色处多加墨水，{digit} 的得分会升高；在紫色处则会降低。灰色是输入的笔迹。</source>
        <translation>The gradient of digit {digit}’s logit with respect to every input pixel, from the network's own backward pass: more ink where it is orange would raise the score of {digit}; more ink where it is purple would lower it. The grey strokes are the input.</translation>
    </message>
    <message>
        <source>悬停</source>
        <translation>under the mouse</translation>
    </message>
    <message>
        <source>已选中</source>
        <translation>chosen</translation>
    </message>
    <message>
        <source>响应最强</source>
        <translation>strongest</translation>
    </message>
    <message>
        <source>滤波器 #{index}（{why}）· 偏置 {bias:+.3f} · 特征图最大值 {peak:.2f}</source>
        <translation>Filter #{index} ({why}) · bias {bias:+.3f} · map max {peak:.2f}</translation>
    </message>
    <message>
        <source>这个网络没有训练记录（它不是从权重文件加载的）。</source>
        <translation>This network has no training log (it was not loaded from a weights file).</translation>
    </message>
    <message>
        <source>每个训练轮次的记录，来自 {path}</source>
        <translation>One point per training epoch, from {path}</translation>
    </message>
    <message>
        <source>没有训练曲线：{error}</source>
        <translation>No training curves: {error}</translation>
    </message>
    <message>
        <source>损失（交叉熵）</source>
        <translation>Loss (cross-entropy)</translation>
    </message>
    <message>
        <source>准确率</source>
        <translation>Accuracy</translation>
    </message>
    <message>
        <source>学习率</source>
        <translation>Learning rate</translation>
    </message>
    <message>
        <source>轮次</source>
        <translation>epoch</translation>
    </message>
    <message>
        <source>训练集</source>
        <translation>training</translation>
    </message>
    <message>
        <source>验证集</source>
        <translation>validation</translation>
    </message>
    <message>
        <source>单元 #{index}：{value:.3f}</source>
        <translation>Unit #{index}: {value:.3f}</translation>
    </message>
    <message>
        <source>网络内部：每一层看到了什么</source>
        <translation>Inside the network: what every layer sees</translation>
    </message>
    <message>
        <source>1 · 输入 28×28</source>
        <translation>1 · Input 28×28</translation>
    </message>
    <message>
        <source>网络实际收到的 28×28 输入：白色笔迹、黑色背景，预处理之后像 MNIST 的图片一样缩放、居中</source>
        <translation>The 28×28 input the network actually receives: white ink on black, scaled and centred by the preprocessing as MNIST's images were</translation>
    </message>
    <message>
        <source>2 · 卷积层 Convolution + ReLU</source>
        <translation>2 · Convolution + ReLU</translation>
    </message>
    <message>
        <source>滤波器 W1（可悬停、点击）</source>
        <translation>Filters W1 (hover, click)</translation>
    </message>
    <message>
        <source>把鼠标移到一个滤波器上，或点击选中它</source>
        <translation>Hover over a filter, or click it to keep it chosen</translation>
    </message>
    <message>
        <source>特征图：每个滤波器对这张图的响应（ReLU 之后）</source>
        <translation>Feature maps: each filter's response (after ReLU)</translation>
    </message>
    <message>
        <source>把鼠标移到一张特征图上，或点击选中它</source>
        <translation>Hover over a feature map, or click it to keep it chosen</translation>
    </message>
    <message>
        <source>选中滤波器的 5×5 个权重：特征图上的每个点，是这 25 个数与输入上对应的 5×5 小块逐个相乘再相加，加上偏置，再经过 ReLU</source>
        <translation>The 5×5 weights of the chosen filter: each point of its feature map is these 25 numbers times the 5×5 patch of the input below it, summed, plus the bias, through ReLU</translation>
    </message>
    <message>
        <source>3 · 最大池化 MaxPooling 2×2</source>
        <translation>3 · MaxPooling 2×2</translation>
    </message>
    <message>
        <source>每张特征图缩小一半：每个 2×2 小格只留下最大值</source>
        <translation>Every feature map halved: each 2×2 cell keeps only its largest value</translation>
    </message>
    <message>
        <source>4 · 隐藏层 Affine + ReLU</source>
        <translation>4 · Hidden layer: Affine + ReLU</translation>
    </message>
    <message>
        <source>每个小方格是一个隐藏单元，按编号从左到右、从上到下排列；最强的几个单元用方框标出</source>
        <translation>Each small square is one hidden unit, numbered left to right, top to bottom; the strongest are framed</translation>
    </message>
    <message>
        <source>5 · 输出层 Affine + Softmax</source>
        <translation>5 · Output: Affine + Softmax</translation>
    </message>
    <message>
        <source>6 · 为什么是这个答案</source>
        <translation>6 · Why this answer</translation>
    </message>
    <message>
        <source>输入的每个像素：在这里多加一点墨水，获胜数字的 logit 会升高（橙色）还是降低（紫色）</source>
        <translation>Every input pixel: would a little more ink here raise (orange) or lower (purple) the winning digit's logit</translation>
    </message>
    <message>
        <source>7 · 训练过程</source>
        <translation>7 · Training history</translation>
    </message>
    <message>
        <source>在主窗口打开一张写有数字的图片，这里就会显示网络怎样看其中的一个数字。</source>
        <translation>Open a picture with digits in the main window, and this view shows how the network sees one of them.</translation>
    </message>
</context>
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
        <translation>This doesn't look like a digit (closest: {digit}, {percent:.0f}%)</translation>
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
    <message>
        <source>打开一个窗口，一层一层地显示网络怎样处理当前的数字（Ctrl+I）</source>
        <translation>Open a window showing, layer by layer, how the network handles the current digit (Ctrl+I)</translation>
    </message>
    <message>
        <source>看网络内部…</source>
        <translation>Look inside…</translation>
    </message>
    <message>
        <source>在这里用鼠标写一个数字，或者一串数字</source>
        <translation>Write a digit here with the mouse, or a whole number</translation>
    </message>
    <message>
        <source>点击「打开图片…」(Ctrl+O)，把图片拖到这里，或按 Ctrl+V 粘贴。
白纸黑字的照片、扫描件和黑底白字的图片都可以。</source>
        <translation>Click “Open picture…” (Ctrl+O), drop a picture here, or paste one with Ctrl+V.
Photos and scans of dark ink on paper work, and so do white digits on black.</translation>
    </message>
    <message>
        <source>打开图片</source>
        <translation>Open picture</translation>
    </message>
    <message>
        <source>图片</source>
        <translation>Pictures</translation>
    </message>
    <message>
        <source>所有文件</source>
        <translation>All files</translation>
    </message>
    <message>
        <source>正在读取图片……</source>
        <translation>Reading the picture…</translation>
    </message>
    <message>
        <source>剪贴板里没有图片。</source>
        <translation>There is no picture on the clipboard.</translation>
    </message>
    <message>
        <source>保存标注图</source>
        <translation>Save annotated picture</translation>
    </message>
    <message>
        <source>已保存：{name}</source>
        <translation>Saved: {name}</translation>
    </message>
    <message>
        <source>无法保存到 {name}：请换一个文件夹或文件名。</source>
        <translation>Cannot save to {name}: choose another folder or file name.</translation>
    </message>
    <message>
        <source>打开一张写有数字的图片：每个数字会被框出并标上识别结果。</source>
        <translation>Open a picture with digits: each digit is boxed and labelled with what was read.</translation>
    </message>
    <message>
        <source>用鼠标在黑色画板上写一个数字（0–9）或一串数字，然后点击「识别」或按 Enter。</source>
        <translation>Write a digit (0–9) or a number on the black canvas with the mouse, then click “Recognise” or press Enter.</translation>
    </message>
    <message>
        <source>无法读取这张图片：{error}</source>
        <translation>Cannot read this picture: {error}</translation>
    </message>
    <message>
        <source>请先打开一张图片（Ctrl+O）。</source>
        <translation>Open a picture first (Ctrl+O).</translation>
    </message>
    <message>
        <source>图片里没有找到数字。</source>
        <translation>No digits were found in the picture.</translation>
    </message>
    <message>
        <source>第 {k} 块是 {digit}
置信度 {percent:.1f}%</source>
        <translation>Piece {k} is {digit}
Confidence {percent:.1f}%</translation>
    </message>
    <message>
        <source>有 {n} 块不像数字（灰色虚线框），没有算进数字里。</source>
        <translation>{n} piece(s) do not look like digits (grey dashed boxes) and are left out of the number.</translation>
    </message>
    <message>
        <source>笔迹块太多，只读了前 {n} 块。</source>
        <translation>Too many marks: only the first {n} pieces were read.</translation>
    </message>
    <message>
        <source>选择数字的来源：自己用鼠标写，从 MNIST 测试集随机抽取，或打开一张图片</source>
        <translation>Where the digits come from: your mouse, a random MNIST test image, or a picture</translation>
    </message>
    <message>
        <source>打开的图片：每个数字框上红框、标上绿色的数字</source>
        <translation>The opened picture: each digit in a red box with the digit read in green</translation>
    </message>
    <message>
        <source>打开一张写有数字的图片或照片（Ctrl+O；也可以把图片拖进窗口，或按 Ctrl+V 粘贴）</source>
        <translation>Open a picture or photo of digits (Ctrl+O; or drop a picture on the window, or paste one with Ctrl+V)</translation>
    </message>
    <message>
        <source>打开图片…</source>
        <translation>Open picture…</translation>
    </message>
    <message>
        <source>把框好、标好的图片另存为 PNG（Ctrl+S）</source>
        <translation>Save the picture with its boxes and labels as a PNG (Ctrl+S)</translation>
    </message>
    <message>
        <source>保存标注图…</source>
        <translation>Save annotated…</translation>
    </message>
    <message>
        <source>让网络识别这个数字或这串数字（Enter）</source>
        <translation>Let the network read this digit or number (Enter)</translation>
    </message>
    <message>
        <source>上一个数字</source>
        <translation>Previous digit</translation>
    </message>
    <message>
        <source>‹</source>
        <translation>‹</translation>
    </message>
    <message>
        <source>下一个数字</source>
        <translation>Next digit</translation>
    </message>
    <message>
        <source>›</source>
        <translation>›</translation>
    </message>
    <message>
        <source>我的手写</source>
        <translation>My handwriting</translation>
    </message>
    <message>
        <source>认错了？点真正的数字（或按 Ctrl+数字键），这个样本就存进「我的样本」</source>
        <translation>Wrong answer? Click the right digit (or press Ctrl+digit) and the sample is kept in “My samples”</translation>
    </message>
    <message>
        <source>其实是…</source>
        <translation>Actually it's…</translation>
    </message>
    <message>
        <source>用「我的样本」微调网络，几秒钟；结果存为我的权重，随附的权重不变</source>
        <translation>Fine-tune the network on my samples in a few seconds; the result is saved as my weights, the shipped weights stay as they are</translation>
    </message>
    <message>
        <source>用我的样本学习</source>
        <translation>Learn my samples</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>勾选：用我的权重识别；不勾：用随附的权重</source>
        <translation>Checked: recognise with my weights; unchecked: with the shipped weights</translation>
    </message>
    <message>
        <source>使用我的权重</source>
        <translation>Use my weights</translation>
    </message>
    <message>
        <source>更多…</source>
        <translation>More…</translation>
    </message>
    <message>
        <source>这看起来像纹理或噪点，不像书写：没有读出数字。</source>
        <translation>This looks like a texture or noise, not writing: no digits were read.</translation>
    </message>
</context>
<context>
    <name>PersonalHandwriting</name>
    <message>
        <source>导出我的样本…</source>
        <translation>Export my samples…</translation>
    </message>
    <message>
        <source>导入样本…</source>
        <translation>Import samples…</translation>
    </message>
    <message>
        <source>打开样本文件夹</source>
        <translation>Open the samples folder</translation>
    </message>
    <message>
        <source>删除我的权重（样本保留）</source>
        <translation>Delete my weights (samples stay)</translation>
    </message>
    <message>
        <source>先写一个数字并识别，再告诉我它其实是几。</source>
        <translation>Write a digit and recognise it first, then tell me what it really is.</translation>
    </message>
    <message>
        <source>已存为数字 {digit} 的样本（我的样本：{count}）。</source>
        <translation>Kept as a sample of {digit} (my samples: {count}).</translation>
    </message>
    <message>
        <source>还没有样本：识别后点「其实是…」里正确的数字，样本就会存下来。</source>
        <translation>No samples yet: after an answer, click the right digit under “Actually it's…” to keep one.</translation>
    </message>
    <message>
        <source>正在学习我的样本……</source>
        <translation>Learning my samples…</translation>
    </message>
    <message>
        <source>导出到哪个（空）文件夹？</source>
        <translation>Export to which (empty) folder?</translation>
    </message>
    <message>
        <source>已导出 {n} 个样本到 {folder}。</source>
        <translation>Exported {n} samples to {folder}.</translation>
    </message>
    <message>
        <source>选择一个样本文件夹（子文件夹 0–9）</source>
        <translation>Choose a samples folder (sub-folders 0–9)</translation>
    </message>
    <message>
        <source>已导入 {n} 个新样本（来自 {folder}）。</source>
        <translation>Imported {n} new samples from {folder}.</translation>
    </message>
    <message>
        <source>已删除我的权重，现在用随附的权重。样本还在。</source>
        <translation>My weights are deleted; the shipped weights are used now. The samples are kept.</translation>
    </message>
    <message>
        <source>这个答案其实是 {digit}：存为样本（Ctrl+{digit}）</source>
        <translation>This answer is really {digit}: keep it as a sample (Ctrl+{digit})</translation>
    </message>
    <message>
        <source>学好了：用了 {n} 个样本，{s} 秒。现在用我的权重识别。</source>
        <translation>Learned from {n} sample(s) in {s} s. Recognising with my weights now.</translation>
    </message>
    <message>
        <source>没找到 MNIST：运行 python main.py download-mnist 后再学一次更稳妥。</source>
        <translation>MNIST not found: learning again after python main.py download-mnist is safer.</translation>
    </message>
    <message>
        <source>已取消学习：什么都没有写，原来的权重照常使用。</source>
        <translation>Learning cancelled: nothing was written, and the weights in use stay as they were.</translation>
    </message>
    <message>
        <source>我的权重是从另一版随附权重学来的，现在不用它；点「用我的样本学习」重新学一次即可。</source>
        <translation>My weights were learned from other shipped weights, so they are not used; click “Learn my samples” to learn again.</translation>
    </message>
    <message>
        <source>我的权重无法读取（{error}），现在用随附的权重。</source>
        <translation>My weights cannot be read ({error}); the shipped weights are used.</translation>
    </message>
    <message>
        <source>现在用我的权重识别。</source>
        <translation>Recognising with my weights now.</translation>
    </message>
    <message>
        <source>现在用随附的权重识别。</source>
        <translation>Recognising with the shipped weights now.</translation>
    </message>
    <message>
        <source>我的样本：{count}</source>
        <translation>My samples: {count}</translation>
    </message>
</context>
</TS>
