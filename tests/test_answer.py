"""Extractive answers: the best sentence of each passage, cited, and 'no answer' when irrelevant."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.records import Chunk, Hit
from core.retrieval import answer as answer_module
from core.retrieval.answer import answer, ask
from core.retrieval.answerability import UNDATED_CONFIDENCE, BaselineCache
from core.retrieval.store import open_store
from core.settings import Settings
from ingest.pipeline import Ingestor
from tests.verdicts import verdict


def _hit(text: str, rank: int, score: float, page: int | None = 3, source="a.pdf") -> Hit:
    chunk = Chunk("a" * 64, rank, text, source, page, page, 0, len(text), 10)
    return Hit(chunk, score, rank)


def _sentence_of(e5, query: str, text: str) -> str:
    """The sentence an answer takes from a passage of this text."""
    (evidence,) = answer(
        query, e5.encode_query(query), [_hit(text, 1, 0.9)], e5, verdict()
    ).evidence
    return evidence.sentence


def test_the_best_sentence_of_each_passage_is_cited(e5):
    hits = [
        _hit("Bread needs flour. Sourdough rises because wild yeast makes carbon dioxide.", 1, 0.9),
        _hit("長江很长。龙井茶产自杭州西湖。", 2, 0.85, page=None, source="茶.md"),
    ]
    query = "Why does sourdough rise?"
    result = answer(query, e5.encode_query(query), hits, e5, verdict())
    first = result.evidence[0]
    assert first.sentence == "Sourdough rises because wild yeast makes carbon dioxide."
    assert first.citation == "[a.pdf, p. 3]"
    assert result.evidence[1].citation == "[茶.md]"
    assert result.relevant
    assert result.sentences[0] is first
    assert result.text.startswith(
        "Sourdough rises because wild yeast makes carbon dioxide. [a.pdf, p. 3]"
    )


def test_a_sentence_holding_the_questions_words_wins_a_near_tie(e5):
    # By cosine alone the opening sentence ("China's spaceflight began in the 1950s") wins; the
    # one that names the first satellite and its launch is the answer.
    launch = (
        "1970年4月24日，长征一号运载火箭从酒泉卫星发射中心把中国第一颗人造地球卫星东方红一号送入"
        "太空，卫星在轨道上播放《东方红》乐曲，中国由此成为继苏联、美国、法国和日本之后第五个"
        "独立发射人造卫星的国家。"
    )
    hits = [_hit(f"中国的航天事业起步于二十世纪五十年代。{launch}", 1, 0.9)]
    query = "When did China launch its first artificial satellite?"
    vector = e5.encode_query(query)
    assert answer(query, vector, hits, e5, verdict()).evidence[0].sentence == launch


@pytest.mark.parametrize(
    ("text", "query", "quoted"),
    [
        (  # "This is how..." points back to the sentence before it
            "Cats sleep a lot. FastText sums the vectors of character n-grams. "
            "This is how FastText handles unseen words.",
            "How does FastText handle unseen words?",
            "FastText sums the vectors of character n-grams. "
            "This is how FastText handles unseen words.",
        ),
        (
            "貓很愛睡覺。FastText 把字元 n-gram 的向量加起來。這就是 FastText 處理未登錄詞的方法。",
            "FastText 怎麼處理未登錄詞？",
            "FastText 把字元 n-gram 的向量加起來。這就是 FastText 處理未登錄詞的方法。",
        ),
        (  # "No." says little without the sentence after it
            "Do I have to keep the downloaded .deb files? No. "
            "After installing the packages, aptitude clean removes them from the disk.",
            "Can I delete downloaded .deb files after installing?",
            "No. After installing the packages, aptitude clean removes them from the disk.",
        ),
        (  # a sentence that announces a list says nothing without its first item
            "Packages hold files. To find the package that installed a file, run either: "
            "• dpkg --search filename • apt-file search filename",
            "How do I find which package a file belongs to?",
            "To find the package that installed a file, run either: • dpkg --search filename",
        ),
        (
            "软件包里有文件。要找出某个文件属于哪个软件包，可以执行： • dpkg --search 文件名",
            "怎样找出某个文件属于哪个软件包？",
            "要找出某个文件属于哪个软件包，可以执行： • dpkg --search 文件名",
        ),
        (  # nor does a sentence followed by one that announces what answers the question
            "Under an East Asian locale, box drawing characters may be displayed too wide. "
            "You can work around this problem: • gnome-terminal: Preferences → Compatibility → "
            "Ambiguous-wide characters → Narrow • ncurses: export NCURSES_NO_UTF8_ACS=0",
            "How do I stop box drawing characters from being too wide under an East Asian locale?",
            "Under an East Asian locale, box drawing characters may be displayed too wide. "
            "You can work around this problem: • gnome-terminal: Preferences → Compatibility → "
            "Ambiguous-wide characters → Narrow",
        ),
        (
            "在东亚语言环境下，方框绘制字符可能会显示得过宽。你可以这样解决这个问题： "
            "• ncurses：设置环境变量 export NCURSES_NO_UTF8_ACS=0。 • vim：set ambiwidth=double",
            "在东亚语言环境下，方框绘制字符显示过宽怎么办？",
            "在东亚语言环境下，方框绘制字符可能会显示得过宽。你可以这样解决这个问题： "
            "• ncurses：设置环境变量 export NCURSES_NO_UTF8_ACS=0。",
        ),
        (  # a heading names what its section says, and answers nothing
            "Lunar missions\n\nChang'e 5 was China's first lunar sample return.\n\n"
            "Bringing the Moon samples back to Earth\n\n"
            "The return capsule landed in Inner Mongolia on 17 December 2020.",
            "How did the Moon samples come back to Earth?",
            "Bringing the Moon samples back to Earth "
            "The return capsule landed in Inner Mongolia on 17 December 2020.",
        ),
        (
            "探月任务\n\n嫦娥五号是中国第一个月球采样返回任务。\n\n"
            "嫦娥五号带回月球样品\n\n嫦娥五号带回了1731克月球样品，包括月壤和岩石碎块。",
            "嫦娥五号带回了什么样品？",
            "嫦娥五号带回月球样品 嫦娥五号带回了1731克月球样品，包括月壤和岩石碎块。",
        ),
        (  # nor do headings in a row
            "Hazelnut update (v5.1.1)\n\nFixed a crash at startup.\n\n"
            "Hazelnut release (v5.1.0)\n\nRelease date: 2023-03-15\n\n"
            "Strict mode is now on by default.",
            "Hazelnut release v5.1.0",
            "Hazelnut release (v5.1.0) Release date: 2023-03-15 Strict mode is now on by default.",
        ),
    ],
)
def test_a_sentence_that_cannot_stand_alone_is_quoted_with_its_neighbour(e5, text, query, quoted):
    assert _sentence_of(e5, query, text) == quoted


@pytest.mark.parametrize(
    ("heading", "statement", "query"),
    [
        (
            "7.8 What is a virtual package?",
            "A virtual package names any one of a group of packages with similar functionality.",
            "What is a virtual package?",
        ),
        (
            "7.8 什么是虚拟软件包？",
            "虚拟软件包是一个通用的名称，适合称呼一组功能相似的软件包中的任意一个。",
            "什么是虚拟软件包？",
        ),
    ],
)
def test_an_faq_heading_is_answered_by_the_statement_after_it(e5, heading, statement, query):
    # The heading restates the question and scores highest, but answers nothing.
    text = f"{heading} {statement} Control files are kept in /var/lib/dpkg/info."
    assert _sentence_of(e5, query, text) == statement


def test_questions_and_dot_leaders_are_quoted_only_when_nothing_else_is(e5):
    # A PDF's contents with dot leaders; a text's, where a chapter's title follows a question.
    contents = _hit(
        "1.1 Who founded Debian? . . . . . 1 1.2 How is Debian said? . . 2 "
        "1.3 Who leads Debian? 2 Getting Debian. 2.1 Where do I get Debian?",
        1,
        0.9,
    )
    founded = _hit("The project was started by Ian Murdock in 1993.", 2, 0.86, page=5)
    query = "Who founded Debian?"
    vector = e5.encode_query(query)
    assert [
        e.sentence for e in answer(query, vector, [contents, founded], e5, verdict()).sentences
    ] == ["The project was started by Ian Murdock in 1993."]
    # A passage of questions alone is still shown: the verdict, not the quoting, refuses.
    (only,) = answer(query, vector, [contents], e5, verdict()).sentences
    assert only.sentence == "1.1 Who founded Debian?"


def test_no_answer_when_the_verdict_says_the_documents_do_not_hold_one(e5):
    hits = [_hit("The weather was mild.", 1, 0.95), _hit("Taxes are due in April.", 2, 0.93)]
    result = answer("q", e5.encode_query("q"), hits, e5, verdict(answerable=False))
    assert not result.relevant
    assert result.sentences == ()
    assert not any(result.used(hit) for hit in hits)
    assert len(result.evidence) == 2  # the passages are still shown, as the closest ones


@pytest.mark.parametrize(
    ("query", "text", "asked_for"),
    [
        (
            "When was the Gutenberg Bible printed?",
            "The Gutenberg Bible was printed with movable metal type in Mainz. "
            "Gutenberg finished printing it around 1455.",
            "Gutenberg finished printing it around 1455.",
        ),
        (
            "FastText 默认把词切成多长的字符片段？",
            "FastText：把词拆成字符n-gram。"
            "在FastText中，每个词被拆成若干个字符n-gram，默认设置下n的取值范围是3到6。",
            "在FastText中，每个词被拆成若干个字符n-gram，默认设置下n的取值范围是3到6。",
        ),
    ],
)
def test_a_sentence_holding_the_kind_of_thing_asked_for_wins_a_near_tie(
    e5, monkeypatch, query, text, asked_for
):
    assert _sentence_of(e5, query, text) == asked_for
    # Without the weight the other sentence, closer by cosine, would be quoted.
    monkeypatch.setattr(answer_module, "KIND_WEIGHT", 0.0)
    assert _sentence_of(e5, query, text) != asked_for


@pytest.mark.parametrize(
    ("query", "undated", "dated"),
    [
        (
            "When did Chang'e 5 bring back its lunar samples?",
            "Chang'e 5 brought back lunar soil and rock fragments.",
            "Chang'e 5 brought back lunar soil and rock fragments in December 2020.",
        ),
        (
            "嫦娥五号是哪一年带回月球样品的？",
            "嫦娥五号带回了月球样品，包括月壤和岩石碎块。",
            "嫦娥五号在2020年带回了月球样品，包括月壤和岩石碎块。",
        ),
        (  # a dynasty says when, not which year
            "Pychess 是哪一年開始支援韓國將棋的？",
            "韓國將棋在宋代以前由中國傳入高麗，Pychess 也支援韓國將棋。",
            "Pychess 在 2019 年開始支援韓國將棋。",
        ),
        (  # the year the question names itself is not the one it asks
            "2025 年证书过期以后，新的签名证书有效期到哪一年？",
            "当前证书有效至2025年，过期后将使用新的证书进行签名。",
            "当前证书有效至2025年，新的证书有效至2028年。",
        ),
    ],
)
def test_a_question_asking_when_is_not_answered_by_sentences_naming_no_time(
    e5, query, undated, dated
):
    vector = e5.encode_query(query)
    refused = answer(query, vector, [_hit(undated, 1, 0.9)], e5, verdict())
    assert not refused.relevant
    assert not refused.verdict.answerable
    assert refused.verdict.confidence == UNDATED_CONFIDENCE and refused.verdict.undated
    dated_answer = answer(query, vector, [_hit(dated, 1, 0.9)], e5, verdict())
    assert dated_answer.relevant and not dated_answer.verdict.undated
    # A strictness under the cap lets the undated sentence through, as the sidebar says.
    lenient = replace(verdict(), strictness=0.2)
    assert answer(query, vector, [_hit(undated, 1, 0.9)], e5, lenient).relevant


@pytest.mark.parametrize(
    ("query", "unmeasured", "measured", "unit"),
    [
        (
            "How many hours does the ferry take to cross the strait?",
            "The ferry crosses the strait every morning, weather permitting.",
            "The ferry takes about two hours to cross the strait, weather permitting.",
            "hours",
        ),
        (
            "赵州桥大修一共花了多少钱？",
            "1954年，交通部和文化部拨发专款，赵州桥开始大修。",
            "1954年，交通部和文化部拨发专款二十万元，赵州桥开始大修。",
            "钱",
        ),
        (  # how many in no unit: the best sentence gives a number
            "链表长度超过多少时会转换成红黑树？",
            "链表过长会降低查询效率，可以进一步将链表转换为红黑树。",
            "链表长度超过 8 时，链表会转换为红黑树。",
            "数字",
        ),
        (  # how often, said with no number
            "How often does Linus release a new -rc kernel?",
            "Linus releases new -rc kernels until the code is stable enough.",
            "Linus releases a new -rc kernel about every week.",
            "number",
        ),
        (
            "Linus 多久发布一次新的 -rc 内核？",
            "Linus 发布新的 -rc 内核，直到代码足够稳定。",
            "Linus 大约每周发布一次新的 -rc 内核。",
            "时长",
        ),
        (
            "What email address should I write to about volunteering?",
            "Questions about volunteering go to the secretariat.",
            "Questions about volunteering go to secretary@example.org.",
            "email address",
        ),
        (
            "Phone number for the lost and found desk?",
            "The lost and found desk is next to the main entrance.",
            "Call the lost and found desk at 415-528-4893.",
            "phone number",
        ),
        (  # which version: the release the question names itself gives no other
            "Which npm version is bundled with the Node.js v4.2.0 LTS release?",
            "Node.js v4.2.0 becomes the first LTS release and bundles npm.",
            "The Node.js v4.2.0 LTS release bundles npm 2.14.7.",
            "version",
        ),
        (
            "从 Kubernetes 哪个版本起，kubelet 会先把被删除的 Pod 转到终止阶段？",
            "kubelet 会先把被删除的 Pod 转到终止阶段，然后再从 API 服务器中删除。",
            "从 Kubernetes 1.27 开始，kubelet 会先把被删除的 Pod 转到终止阶段。",
            "版本",
        ),
        (
            "On which London street was the magic shop?",
            "The magic shop stood in a busy street of London, near a toy shop.",
            "The magic shop stood in Regent Street, London, near a toy shop.",
            "street",
        ),
    ],
)
def test_a_question_asking_an_amount_in_a_unit_is_not_answered_by_sentences_giving_none(
    e5, query, unmeasured, measured, unit
):
    vector = e5.encode_query(query)
    refused = answer(query, vector, [_hit(unmeasured, 1, 0.9)], e5, verdict())
    assert not refused.relevant and not refused.verdict.answerable
    assert refused.verdict.confidence == UNDATED_CONFIDENCE
    assert refused.verdict.unmeasured == unit and not refused.verdict.undated
    measured_answer = answer(query, vector, [_hit(measured, 1, 0.9)], e5, verdict())
    assert measured_answer.relevant and measured_answer.verdict.unmeasured == ""


def test_a_sentence_saying_the_documents_leave_the_matter_out_answers_nothing(e5):
    query = "Python 的 hash() 对浮点数是怎么计算哈希值的？"
    text = "整数的哈希值是它本身。浮点数的哈希值计算较为复杂，有兴趣的读者请自行学习。"
    result = answer(query, e5.encode_query(query), [_hit(text, 1, 0.9)], e5, verdict())
    assert not result.relevant and result.verdict.left_out
    assert result.verdict.confidence == UNDATED_CONFIDENCE


def test_sentences_that_only_repeat_the_question_answer_nothing(e5):
    query = "《三字经》的作者是谁？"
    result = answer(query, e5.encode_query(query), [_hit("三字经", 1, 0.9)], e5, verdict())
    assert not result.relevant and result.verdict.restates
    assert result.verdict.confidence == UNDATED_CONFIDENCE
    said = "《三字经》相传为宋代王应麟所作。"
    result = answer(query, e5.encode_query(query), [_hit(said, 1, 0.9)], e5, verdict())
    assert result.relevant and not result.verdict.restates


def test_a_label_holding_only_the_questions_words_is_quoted_up_to_what_is_asked(e5):
    query = "What was the price of the magic toy sword?"
    text = (
        '"A Magic Toy Sword. It neither bends, breaks, nor cuts the fingers. It renders the '
        "bearer invincible in battle. Half a crown to seven and sixpence, according to size. "
        'These panoplies on cards are for juvenile knights-errant."'
    )
    result = answer(query, e5.encode_query(query), [_hit(text, 1, 0.9)], e5, verdict())
    assert result.relevant and not result.verdict.restates
    assert result.sentences[0].sentence.startswith('"A Magic Toy Sword.')
    assert result.sentences[0].sentence.endswith(
        "Half a crown to seven and sixpence, according to size."
    )


def test_only_passages_near_the_best_one_add_to_an_answer(e5):
    hits = [_hit("Sourdough rises because yeast makes gas.", 1, 0.9), _hit("Taxes.", 2, 0.84)]
    query = "Why does sourdough rise?"
    result = answer(query, e5.encode_query(query), hits, e5, verdict(passage_floor=0.85))
    assert [e.hit.rank for e in result.sentences] == [1]
    assert [result.used(hit) for hit in hits] == [True, False]


def test_a_passage_gives_a_second_sentence_after_its_best_when_it_matches_nearly_as_well(e5):
    rises = _hit(
        "Sourdough bread rises because wild yeast ferments the flour. The yeast releases "
        "carbon dioxide, which makes sourdough dough rise. Ovens are hot.",
        1,
        0.9,
    )
    flour = _hit("Rye flour holds less gluten than wheat flour.", 2, 0.85, page=4)
    query = "Why does sourdough bread rise?"
    result = answer(query, e5.encode_query(query), [rises, flour], e5, verdict())
    assert [e.sentence for e in result.sentences][:2] == [
        "Sourdough bread rises because wild yeast ferments the flour.",
        "The yeast releases carbon dioxide, which makes sourdough dough rise.",
    ]
    assert "Ovens are hot." not in result.text  # far below the passage's best
    assert [e.sentence for e in result.evidence] == [
        "Sourdough bread rises because wild yeast ferments the flour.",
        "Rye flour holds less gluten than wheat flour.",
    ]  # each passage still shows its best sentence alone
    tea = _hit("龙井茶产自浙江杭州。龙井茶的产地是西湖一带的山区。普洱茶产自云南。", 1, 0.9)
    query = "龙井茶产自哪里？"
    quoted_tea = answer(query, e5.encode_query(query), [tea], e5, verdict()).text
    assert quoted_tea == "龙井茶产自浙江杭州。 龙井茶的产地是西湖一带的山区。 [a.pdf, p. 3]"


def test_repeated_sentences_from_overlapping_chunks_appear_once(e5):
    shared = "Negative sampling draws noise words from the unigram distribution."
    hits = [_hit(shared + " More.", 1, 0.9), _hit("Other. " + shared, 2, 0.88)]
    query = "What is negative sampling?"
    result = answer(query, e5.encode_query(query), hits, e5, verdict())
    assert [e.sentence for e in result.sentences] == [shared]


@pytest.fixture
def store_with_tea(tmp_path, e5):
    store = open_store(Settings(data_dir=tmp_path))
    ingestor = Ingestor(store=store, encoder=e5, collection="notes")
    ingestor.ingest("龙井茶产自浙江杭州西湖一带。普洱茶产自云南。".encode(), "茶.md")
    ingestor.ingest(b"Sourdough rises because wild yeast ferments the flour.", "bread.txt")
    yield store
    store.close()


def test_ask_in_chinese_and_english(store_with_tea, e5, tmp_path):
    baseline = BaselineCache(tmp_path / "baselines").get(store_with_tea, e5, "notes")
    tea = ask(store_with_tea, e5, "notes", "龙井茶产自哪里？", baseline, k=2)
    assert tea.sentences[0].sentence == "龙井茶产自浙江杭州西湖一带。"
    assert tea.sentences[0].citation == "[茶.md]"
    bread = ask(store_with_tea, e5, "notes", "Why does sourdough rise?", baseline, k=2)
    assert bread.sentences[0].citation == "[bread.txt]"
    assert bread.verdict.answerable and bread.verdict.confidence >= 0.5
    volcano = ask(store_with_tea, e5, "notes", "火山为什么会喷发？", baseline, k=2)
    assert not volcano.relevant and volcano.text == ""


def test_each_source_is_cited_once(e5):
    # Two passages of one page, and another page whose sentence ranks between theirs:
    # the page's sentences are gathered under one citation, at the place of its best one.
    hits = [
        _hit("Sourdough rises because yeast makes carbon dioxide. Rye is a grain.", 1, 0.9),
        _hit("Gluten traps the gas in the dough. Ovens are hot.", 2, 0.89, page=4),
        _hit("Bakers feed the starter with flour and water.", 3, 0.88),
    ]
    query = "Why does sourdough rise and what traps the gas?"
    result = answer(query, e5.encode_query(query), hits, e5, verdict())
    assert [(e.sentence, e.citation) for e in result.sentences] == [
        ("Sourdough rises because yeast makes carbon dioxide.", "[a.pdf, p. 3]"),
        ("Gluten traps the gas in the dough.", "[a.pdf, p. 4]"),
        ("Bakers feed the starter with flour and water.", "[a.pdf, p. 3]"),
    ]
    assert result.cited() == [
        (
            "Sourdough rises because yeast makes carbon dioxide. "
            "Bakers feed the starter with flour and water.",
            "[a.pdf, p. 3]",
        ),
        ("Gluten traps the gas in the dough.", "[a.pdf, p. 4]"),
    ]
    assert result.text == (
        "Sourdough rises because yeast makes carbon dioxide. Bakers feed the starter with flour "
        "and water. [a.pdf, p. 3] Gluten traps the gas in the dough. [a.pdf, p. 4]"
    )
