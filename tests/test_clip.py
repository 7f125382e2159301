"""The CLIP adapter on a tiny random CLIP loaded by folder: shapes and one space, never quality."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from core.classic.clip_lesson import PROMPT, similarity, similarity_heatmap, zero_shot
from core.errors import UserError
from core.retrieval.encoders import CLIPEncoder, minilm_path
from tests.tiny_clip import PROJECTION


def _picture(seed: int, size: tuple[int, int] = (48, 40), mode: str = "RGB") -> Image.Image:
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    return Image.fromarray(pixels, "RGB").convert(mode)


def test_a_local_clip_folder_loads_as_a_clip_encoder(clip, tiny_clip_folder):
    assert isinstance(clip, CLIPEncoder)
    assert clip.name == tiny_clip_folder
    assert clip.dimension == PROJECTION
    assert clip.encodes_images
    assert clip.max_tokens == 77


def test_images_and_texts_land_in_one_normalised_space(clip):
    images = clip.encode_images([_picture(1), _picture(2, (300, 90)), _picture(3, mode="L")])
    texts = clip.encode_queries(["a photo of a dog", "图 2. 长江流域"])
    documents = clip.encode_documents(["a photo of a dog"])
    assert images.shape == (3, PROJECTION) and images.dtype == np.float32
    assert texts.shape == (2, PROJECTION)
    np.testing.assert_allclose(np.linalg.norm(images, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(texts, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(documents[0], texts[0], atol=1e-5)  # no query/passage roles
    assert clip.encode_images([]).shape == (0, PROJECTION)


def test_the_same_image_gives_the_same_vector(clip):
    first, again = clip.encode_images([_picture(7), _picture(7)])
    np.testing.assert_allclose(first, again, atol=1e-5)


def test_a_caption_longer_than_clip_reads_is_cut_not_an_error(clip):
    long_caption = "Figure 3: " + "the outer bank erodes " * 100
    assert clip.count_tokens(long_caption) > clip.max_tokens
    assert clip.encode_documents([long_caption]).shape == (1, PROJECTION)


def test_a_text_model_refuses_images(minilm):
    assert not minilm.encodes_images
    with pytest.raises(UserError, match="reads text only: images need a CLIP model"):
        minilm.encode_images([_picture(1)])


def test_the_lesson_scores_every_picture_against_every_caption(clip):
    pictures = [_picture(1), _picture(2), _picture(3)]
    matrix = similarity(clip, pictures, ["a dog", "", "a cat", "  a river "])
    expected = clip.encode_images(pictures) @ clip.encode_documents(["a dog", "a cat", "a river"]).T
    np.testing.assert_allclose(matrix, expected, atol=1e-5)
    figure = similarity_heatmap(matrix, ["1. a", "2. b", "3. c"], ["a dog", "a cat", "a river"])
    assert len(figure.layout.shapes) == 3  # each row's best caption outlined


def test_zero_shot_gives_each_picture_a_distribution_over_the_labels(clip):
    pictures = [_picture(1), _picture(2)]
    result = zero_shot(clip, pictures, ["dog", " cat", "dog", "river", ""])
    assert result.labels == ("dog", "cat", "river")
    assert result.probabilities.shape == (2, 3)
    np.testing.assert_allclose(result.probabilities.sum(axis=1), 1.0, atol=1e-6)
    scores = similarity(clip, pictures, [PROMPT.format(label) for label in result.labels])
    assert [label for label, _ in result.best()] == [
        result.labels[i] for i in scores.argmax(axis=1)
    ]
    with pytest.raises(UserError, match="at least two different labels"):
        zero_shot(clip, pictures, ["dog", "dog"])
    with pytest.raises(UserError, match=r"needs \{\} where the label goes"):
        zero_shot(clip, pictures, ["dog", "cat"], prompt="a photo")


def test_the_lesson_needs_a_clip_model(minilm):
    with pytest.raises(UserError, match="minilm reads text only: this lesson needs a CLIP model"):
        similarity(minilm, [_picture(1)], ["a dog"])


def test_a_text_tower_is_paired_only_when_the_dimensions_match(tiny_clip_folder, clip):
    paired = CLIPEncoder(tiny_clip_folder, name="pair", text_model=tiny_clip_folder)
    np.testing.assert_allclose(
        paired.encode_queries(["图 2. 长江"]), clip.encode_queries(["图 2. 长江"]), atol=1e-5
    )
    with pytest.raises(UserError, match=r"gives 384-d vectors but the image model .* 16-d"):
        CLIPEncoder(tiny_clip_folder, text_model=minilm_path())


def test_a_text_model_folder_is_not_taken_for_clip():
    with pytest.raises(UserError, match="does not read images: it is not a CLIP model"):
        CLIPEncoder(minilm_path())
