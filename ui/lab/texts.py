"""The lab's explanations, in English and Chinese: one short lesson text per tab."""

from __future__ import annotations

LANGUAGES = {"en": "English", "zh": "中文"}

LESSONS: dict[str, dict[str, str]] = {
    "GloVe": {
        "en": (
            "**GloVe** (Global Vectors) first counts how often every pair of words appears near "
            "each other in the *whole* corpus — the co-occurrence matrix X — and then fits word "
            "vectors so that w·w̃ + b + b̃ ≈ log X for every pair seen together. The weighting "
            "f(X) = min(1, (X/x_max)^α) keeps rare pairs from counting as much as frequent "
            "ones. Word2Vec instead slides a window over the text and learns from one local "
            "context at a time; GloVe factorises global statistics. On large corpora the two end "
            "up of similar quality."
        ),
        "zh": (
            "**GloVe**（全局向量）先统计整个语料中每两个词在窗口内共同出现的次数，得到共现矩阵 X，"
            "再拟合词向量，使每对共现词满足 w·w̃ + b + b̃ ≈ log X。权重函数 "
            "f(X) = min(1, (X/x_max)^α) 让罕见词对的影响小一些，也不让高频词对独占训练。"
            "Word2Vec 是在文本上滑动窗口、一次学习一个局部上下文；GloVe 则是对全局统计量做矩阵"
            "分解。在大语料上两者效果相近。"
        ),
    },
    "Doc2Vec": {
        "en": (
            "**Doc2Vec** gives each paragraph its own vector, learnt together with the word "
            "vectors. **PV-DM** predicts a word from its neighbours *plus* the paragraph vector "
            "(like CBOW with one extra word that stands for the paragraph); **PV-DBOW** predicts "
            "the paragraph's words from the paragraph vector alone (like skip-gram). A new text "
            "gets a vector by *inference*: a few training steps on that one vector, every word "
            "vector frozen."
        ),
        "zh": (
            "**Doc2Vec** 为每个段落学习一个向量，与词向量一起训练。**PV-DM** 用上下文词*加上*段落"
            "向量来预测中心词（相当于 CBOW 多了一个代表段落的“词”）；**PV-DBOW** 只用段落向量去"
            "预测段落中的词（相当于 skip-gram）。新文本的向量靠*推断*得到：冻结所有词向量，只对"
            "这一个段落向量训练几轮。"
        ),
    },
    "Item2Vec": {
        "en": (
            "**Item2Vec**: a user's session or shopping basket is a sentence and the items are its "
            "words. Skip-gram then places items bought or clicked together close to each other — "
            "the basis of “customers who bought this also bought …”. A basket has no order, so the "
            "window spans the whole basket. Items seen only a few times get no vector: the "
            "**cold-start** problem; a stopgap is the average vector of the items bought with them."
        ),
        "zh": (
            "**Item2Vec**：把用户的一次会话或一个购物篮看作一个句子，其中的商品就是词。用 "
            "skip-gram 训练后，经常一起被购买或点击的商品在向量空间中彼此靠近——这就是“买了这个"
            "的人还买了……”的基础。购物篮没有顺序，所以窗口覆盖整个篮子。出现次数太少的商品没有"
            "向量，这就是**冷启动**问题；一个临时办法是用与它同篮商品的平均向量来代替。"
        ),
    },
    "Graphs": {
        "en": (
            "**DeepWalk** and **Node2Vec** turn a graph into sentences: random walks from every "
            "node, each walk a sentence of node names; skip-gram then embeds the nodes. DeepWalk "
            "walks uniformly. Node2Vec biases each step by where the walk came from: **p** "
            "controls going back (small p: often return, stay local), **q** controls moving away "
            "(small q: explore outward, depth-first, find communities; large q: stay near, "
            "breadth-first, capture structural roles). p = q = 1 is DeepWalk."
        ),
        "zh": (
            "**DeepWalk** 和 **Node2Vec** 把图变成句子：从每个节点出发做随机游走，每条游走路径就是"
            "一个由节点名组成的句子，再用 skip-gram 学习节点向量。DeepWalk 均匀随机游走。Node2Vec "
            "根据上一步从哪里来调整下一步的概率：**p** 控制返回（p 小则常常走回头路、停留在局部），"
            "**q** 控制远离（q 小则向外探索，类似深度优先，容易发现社区；q 大则停留在附近，类似广度"
            "优先，刻画结构角色）。p = q = 1 就是 DeepWalk。"
        ),
    },
    "Alignment": {
        "en": (
            "Two trainings never share axes: even on the same text, another random start gives a "
            "rotated space. Given pairs of words known to correspond (the same word in two models, "
            "or a seed dictionary between two languages), the **orthogonal Procrustes** solution "
            "finds the rotation R that best maps one space onto the other (an SVD of AᵀB). Words "
            "held out of the seed pairs show whether the map generalises: translate each by its "
            "nearest neighbour after the rotation."
        ),
        "zh": (
            "两次训练得到的空间坐标轴从不一致：即使是同一份文本，换一个随机初始化，空间也会被"
            "旋转。给定一些已知对应的词对（两个模型中的同一个词，或两种语言之间的种子词典），"
            "**正交 Procrustes** 方法求出把一个空间最好地映射到另一个空间的旋转矩阵 R（对 AᵀB 做 "
            "SVD）。留出不参与训练的词对用来检验映射能否推广：旋转后用最近邻来“翻译”它们。"
        ),
    },
    "Indexes": {
        "en": (
            "Exact search compares the question with every vector: perfect, but its cost grows "
            "with the collection. **HNSW** builds a layered graph of near neighbours and walks it "
            "(M: links per node, ef: how many candidates a search keeps). **IVF** clusters the "
            "vectors into lists and searches only the nprobe nearest lists; **PQ** (product "
            "quantization) compresses each vector into a few bytes. Each trades **recall** (the "
            "share of the true top 10 found) for speed or memory."
        ),
        "zh": (
            "精确搜索把问题与每一个向量比较：结果完美，但代价随集合规模增长。**HNSW** 构建一个分层"
            "的近邻图并在图上游走（M：每个节点的连接数；ef：搜索时保留的候选数）。**IVF** 先把向量"
            "聚成若干列表，查询时只搜索最近的 nprobe 个列表；**PQ**（乘积量化）把每个向量压缩成几个"
            "字节。它们都是用**召回率**（真正前 10 名中被找到的比例）换取速度或内存。"
        ),
    },
    "Distances": {
        "en": (
            "**Cosine** similarity compares directions only; the **dot product** also rewards "
            "length; **Euclidean** distance rewards being close in both direction and length. "
            "On vectors scaled to unit length the three rank everything identically "
            "(a·b = cos, ‖a − b‖² = 2 − 2 cos). On raw vectors they can disagree: a long vector "
            "wins the dot product even when it points elsewhere."
        ),
        "zh": (
            "**余弦**相似度只比较方向；**点积**还会偏爱长度大的向量；**欧氏距离**要求方向和长度都"
            "接近。把向量归一化为单位长度后，三者给出的排序完全相同（a·b = cos，"
            "‖a − b‖² = 2 − 2 cos）。在未归一化的原始向量上它们可能不一致：一个很长的向量即使方向"
            "偏离，点积也可能最大。"
        ),
    },
}

LESSONS["CLIP"] = {
    "en": (
        "**CLIP** trains two encoders together, one for pictures and one for text, on hundreds "
        "of millions of captioned images, so that a picture and its caption land close together "
        "in one space. The heatmap compares every picture with every caption (cosine). "
        "**Zero-shot** classification needs no training at all: each label is put in a sentence "
        '("a photo of a dog"), and the picture takes the label whose sentence is nearest '
        "(a softmax over the scaled cosines gives probabilities)."
    ),
    "zh": (
        "**CLIP** 在数亿张带说明文字的图片上同时训练两个编码器（一个读图，一个读文字），使图片"
        "与其说明文字在同一个空间里彼此靠近。热力图比较每张图片与每条说明文字的余弦相似度。"
        "**零样本**分类完全不需要训练：把每个类别放进一句话（“a photo of a dog”），图片归入"
        "与之最接近的那句话的类别（对放大后的余弦取 softmax 得到概率）。"
    ),
}

SMALL_CORPUS = {
    "en": (
        "This corpus is small: static vectors need far more text (millions of words) to be "
        "reliable, so neighbours and scores here are noisy — read them as a demonstration."
    ),
    "zh": "这个语料很小：静态向量需要大得多的文本（数百万词）才可靠，这里的近邻和分数噪声较大，"
    "请当作演示来看。",
}
