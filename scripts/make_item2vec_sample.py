"""Write samples/item2vec/baskets.jsonl: shopping sessions invented for this project.

A small shop sells five kinds of things; most sessions stay with one interest, some mix two,
and a few items are bought only once or twice (cold-start items). Fixed seed: the same file
every time. Run: python scripts/make_item2vec_sample.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

CATALOGUE = {
    "baking": [
        "flour 面粉",
        "yeast 酵母",
        "butter 黄油",
        "sourdough starter",
        "baking tray",
        "rolling pin",
        "bread knife",
        "oven thermometer",
    ],
    "tea": [
        "龙井茶 Longjing tea",
        "普洱茶 Pu'er tea",
        "乌龙茶 oolong",
        "紫砂壶 clay teapot",
        "茶杯 tea cups",
        "tea strainer",
        "茶盘 tea tray",
    ],
    "astronomy": [
        "telescope 望远镜",
        "eyepiece 目镜",
        "star chart 星图",
        "red torch",
        "moon map 月面图",
        "tripod",
        "camping chair",
    ],
    "river": [
        "fishing rod 鱼竿",
        "waterproof boots",
        "river guide 河流指南",
        "binoculars 双筒望远镜",
        "insect repellent",
        "dry bag",
        "camping chair",
    ],
    "writing": [
        "notebook 笔记本",
        "fountain pen 钢笔",
        "ink bottle 墨水",
        "毛笔 calligraphy brush",
        "宣纸 rice paper",
        "砚台 ink stone",
        "bookmark",
    ],
}
# Bought once or twice, always beside the same interest: no vector at min count 3.
RARE = {"solar filter 太阳滤镜": "astronomy", "白茶 white tea": "tea", "pastry brush": "baking"}
SESSIONS = 600


def main() -> None:
    rng = random.Random(2026)
    kinds = list(CATALOGUE)
    lines = []
    for number in range(1, SESSIONS + 1):
        kind = rng.choice(kinds)
        items = rng.sample(CATALOGUE[kind], rng.randint(2, 5))
        if rng.random() < 0.2:  # a second interest in the same visit
            other = rng.choice([k for k in kinds if k != kind])
            items += rng.sample(CATALOGUE[other], rng.randint(1, 2))
        lines.append({"session": f"s{number:04d}", "items": list(dict.fromkeys(items))})
    for offset, (item, kind) in enumerate(RARE.items()):
        for _repeat in range(1 + offset % 2):
            session = lines[rng.randrange(SESSIONS)]
            while not set(session["items"]) & set(CATALOGUE[kind]):
                session = lines[rng.randrange(SESSIONS)]
            session["items"].append(item)
    path = Path(__file__).resolve().parents[1] / "samples" / "item2vec" / "baskets.jsonl"
    path.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
