// Show a new text-size or contrast choice at once, without reloading the page
// (focus stays where it is); htmx saves it in the background. Without
// JavaScript the "Apply" button posts the same form.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.form?.classList.contains("display-form")) {
    return;
  }
  const root = document.documentElement;
  const prefix = input.name === "text_size" ? "text-" : "contrast-";
  for (const name of [...root.classList]) {
    if (name.startsWith(prefix)) root.classList.remove(name);
  }
  root.classList.add(prefix + input.value);
});

// A form that comes back with mistakes: move to the list of them, so that it
// is seen first (on a small phone with large text the header fills the screen).
const errorSummary = document.querySelector(".error-summary");
if (errorSummary) {
  errorSummary.setAttribute("tabindex", "-1");
  errorSummary.focus();
}
