import re

# C0 controls other than tab and line feed, and DEL: invisible, and refused by XLSX. NUL is
# not among them: forms refuse it with a message (Django's validator), databases too.
CONTROL_CHARACTERS = re.compile(r"[\x01-\x08\x0b-\x1f\x7f]")


def strip_control_characters(text):
    return CONTROL_CHARACTERS.sub("", text)
