"""The demo's pictures, drawn with Pillow: guest portraits and tweet photos.

Nothing is downloaded. Each drawing depends only on its seed, so two runs draw the same bytes.
"""

import io
import random

from PIL import Image, ImageDraw

PORTRAIT_SIZE = 240
PICTURE_SIZE = (480, 270)

BACKGROUNDS = ["#dde6ef", "#e8dfd0", "#d6e9dc", "#efdede", "#e2def0", "#f1ead2"]
SKIN = ["#f2d3b8", "#e0b48f", "#c98e62", "#a86b45", "#7a4b2e", "#f5dcc9"]
HAIR = ["#2b1d14", "#5a3a22", "#8a5a32", "#c9a05a", "#9a9a9a", "#1b1b1b", "#b5522b"]
CLOTHES = ["#1f4e79", "#c0392b", "#2e7d4f", "#6c3483", "#d68910", "#34495e", "#117a65"]


def png(image):
    data = io.BytesIO()
    image.save(data, "PNG", optimize=False)
    return data.getvalue()


def portrait(seed):
    """A head-and-shoulders drawing of a fictional person, as PNG bytes."""
    rng = random.Random(f"portrait:{seed}")
    size = PORTRAIT_SIZE
    image = Image.new("RGB", (size, size), rng.choice(BACKGROUNDS))
    draw = ImageDraw.Draw(image)
    skin, hair, clothes = rng.choice(SKIN), rng.choice(HAIR), rng.choice(CLOTHES)
    style = rng.choice(["short", "long", "bun", "bald", "curly"])
    if style == "long":  # hair falling behind the shoulders is drawn first
        draw.rounded_rectangle((62, 60, 178, 190), radius=40, fill=hair)
    draw.ellipse((30, 165, 210, 330), fill=clothes)  # shoulders
    draw.rectangle((104, 140, 136, 180), fill=skin)  # neck
    draw.polygon([(104, 172), (120, 196), (136, 172)], fill="#ffffff")  # collar
    draw.ellipse((72, 52, 168, 160), fill=skin)  # face
    if style in ("short", "long", "bun"):
        draw.chord((68, 40, 172, 120), 180, 360, fill=hair)
    if style == "bun":
        draw.ellipse((100, 18, 140, 54), fill=hair)
    if style == "curly":
        for x in range(74, 170, 16):
            draw.ellipse((x - 12, 36, x + 12, 64), fill=hair)
    if style == "bald":
        draw.chord((76, 50, 164, 90), 180, 360, fill=rng.choice([skin, "#9a9a9a"]))
    eye_y = 100 + rng.randint(-3, 3)
    for x in (100, 140):
        draw.ellipse((x - 5, eye_y - 5, x + 5, eye_y + 5), fill="#2b2b2b")
    if rng.random() < 0.3:  # glasses
        for x in (100, 140):
            draw.ellipse((x - 13, eye_y - 11, x + 13, eye_y + 11), outline="#333333", width=3)
        draw.line((113, eye_y, 127, eye_y), fill="#333333", width=3)
    draw.arc((102, 112, 138, 140), 20, 160, fill="#8a3b2b", width=3)  # smile
    return png(image)


def picture(scene, seed):
    """A tweet photo of ``scene`` (a key of SCENES), as PNG bytes."""
    rng = random.Random(f"picture:{scene}:{seed}")
    image = Image.new("RGB", PICTURE_SIZE, rng.choice(BACKGROUNDS))
    SCENES[scene](ImageDraw.Draw(image), rng)
    return png(image)


def _alarm(draw, rng):
    draw.rounded_rectangle((180, 60, 300, 220), radius=24, fill="#1f4e79")
    draw.ellipse((215, 110, 265, 160), fill="#c0392b")


def _helmet(draw, rng):
    draw.rectangle((0, 210, 480, 270), fill="#7f8c8d")
    draw.chord((150, 70, 330, 250), 180, 360, fill=rng.choice(["#f1c40f", "#e67e22", "#ecf0f1"]))
    draw.rounded_rectangle((130, 150, 350, 172), radius=8, fill="#d4ac0d")


def _checklist(draw, rng):
    draw.rectangle((150, 25, 330, 250), fill="#ffffff", outline="#34495e", width=4)
    for row in range(6):
        y = 50 + row * 33
        draw.rectangle((170, y, 190, y + 20), outline="#34495e", width=3)
        if rng.random() < 0.7:
            draw.line((172, y + 10, 180, y + 18, 192, y - 2), fill="#2e7d4f", width=4)
        draw.line((205, y + 10, 205 + rng.randint(60, 110), y + 10), fill="#95a5a6", width=5)


def _desk(draw, rng):
    draw.rectangle((60, 170, 420, 185), fill="#8e6e53")
    draw.rectangle((80, 185, 95, 260), fill="#6e5440")
    draw.rectangle((385, 185, 400, 260), fill="#6e5440")
    draw.rectangle((170, 70, 320, 160), fill="#2c3e50")
    draw.rectangle((180, 80, 310, 150), fill=rng.choice(["#85c1e9", "#abebc6", "#f9e79f"]))
    draw.rectangle((235, 160, 255, 170), fill="#2c3e50")


def _ladder(draw, rng):
    draw.rectangle((0, 240, 480, 270), fill="#7f8c8d")
    draw.line((190, 240, 230, 20), fill="#d68910", width=10)
    draw.line((290, 240, 250, 20), fill="#d68910", width=10)
    for step in range(1, 7):
        y = 240 - step * 32
        offset = step * 32 * 40 / 220
        draw.line((190 + offset, y, 290 - offset, y), fill="#b9770e", width=7)


def _boxes(draw, rng):
    draw.rectangle((0, 230, 480, 270), fill="#95a5a6")
    for column, height in enumerate(rng.sample([1, 2, 3, 2, 1], 5)):
        for level in range(height):
            x, y = 60 + column * 75, 230 - (level + 1) * 55
            draw.rectangle((x, y, x + 65, y + 50), fill="#c8a165", outline="#8e6e3e", width=3)


SCENES = {
    "alarm": _alarm,
    "helmet": _helmet,
    "checklist": _checklist,
    "desk": _desk,
    "ladder": _ladder,
    "boxes": _boxes,
}
