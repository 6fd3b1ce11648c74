/*
 * Paper entry: a digit picks an answer and moves to the next question, so that a stack of
 * sheets can be typed in without the mouse. On a 1–5 scale the digit is the rating and 0 is
 * "not applicable"; elsewhere it is the answer's position (0 is the tenth; answers past the
 * tenth are chosen with the arrow keys).
 * Without JavaScript the form still works with Tab, arrow keys and Space, and a sheet sent with
 * another version chosen comes back with that version's questions.
 */
window.wagtail.app.register(
  'ocena-paper-entry',
  class extends window.StimulusModule.Controller {
    static targets = ['question'];

    /* Choosing another version shows that version's questions (kept batch and sheet number). */
    changeVersion(event) {
      const form = event.target.form;
      const query = new URLSearchParams({ version: event.target.value });
      for (const name of ['batch', 'sheet_number']) {
        if (form.elements[name].value) query.set(name === 'sheet_number' ? 'sheet' : name, form.elements[name].value);
      }
      window.location.search = query.toString();
    }

    pick(event) {
      if (!/^[0-9]$/.test(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
      const question = event.target.closest('[data-ocena-paper-entry-target="question"]');
      if (!question || event.target.tagName !== 'INPUT') return;

      const inputs = [...question.querySelectorAll('input[type="radio"], input[type="checkbox"]')];
      const input =
        'scale' in question.dataset
          ? inputs.find((i) => i.value === (event.key === '0' ? 'na' : event.key))
          : inputs[(Number(event.key) + 9) % 10];
      if (!input) return;
      event.preventDefault();

      if (input.type === 'checkbox') {
        input.checked = !input.checked;
        input.focus();
        return;
      }
      input.checked = true;
      const next = this.questionTargets[this.questionTargets.indexOf(question) + 1];
      const target = next
        ? next.querySelector('input:checked, input, textarea')
        : this.element.querySelector('button[type="submit"]');
      target.focus();
    }
  },
);
