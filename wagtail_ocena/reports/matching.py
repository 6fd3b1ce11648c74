"""The questions behind a period's counts, matched across questionnaire versions."""

from collections import defaultdict

from ..models import SurveyQuestion


class MatchedQuestions:
    """The questions behind the counts, matched across versions by (key, kind)."""

    def __init__(self, question_ids, version_ids):
        questions = (
            (
                SurveyQuestion.objects.filter(pk__in=question_ids)
                | SurveyQuestion.objects.filter(version_id__in=version_ids)
            )
            .select_related("version")
            .prefetch_related("options")
        )
        self.by_id = {q.pk: q for q in questions}
        groups = defaultdict(list)
        for question in self.by_id.values():
            groups[(question.key, question.kind)].append(question)
        for versions in groups.values():
            versions.sort(key=lambda q: (q.version.created_at, q.version.number), reverse=True)
        newest_version = max(
            (q.version for q in self.by_id.values()),
            key=lambda v: (v.created_at, v.number),
            default=None,
        )

        def order(item):
            # The newest version's questions in its order, then those it dropped, newer first.
            newest = item[1][0]
            if newest.version == newest_version:
                return (0, 0, newest.position)
            return (1, -newest.version.created_at.timestamp(), newest.position)

        self.groups = sorted(groups.items(), key=order)
        self.group_of = dict(self.groups)
        self.option_keys = {
            option.pk: option.key for q in self.by_id.values() for option in q.options.all()
        }

    def versions_of(self, key, kind):
        """The question ``(key, kind)`` in every version behind the counts, newest first."""
        return self.group_of.get((key, kind), [])

    def option_labels(self, versions):
        labels = {}
        for question in reversed(versions):  # the newest wording wins
            for option in question.options.all():
                labels[option.key] = option.label
        order = []
        for question in versions:
            for option in question.options.all():
                if option.key not in order:
                    order.append(option.key)
        return order, labels
