"""Which cells of a report are hidden, so that no small group of respondents shows."""


def cells_to_hide(cells, minimum, size):
    """The cells whose figures a report may not show, given each cell's number of responses.

    Those below the minimum, and then the smallest others until the hidden ones add up to
    the minimum: the report's totals minus the cells shown give the hidden ones' sum away.
    """
    sized = sorted((cell for cell in cells if size(cell)), key=size)
    hidden = [cell for cell in sized if size(cell) < minimum]
    shown = [cell for cell in sized if size(cell) >= minimum]
    while shown and 0 < sum(size(cell) for cell in hidden) < minimum:
        hidden.append(shown.pop(0))
    return hidden
