// "Find from my location": shown only where the browser can tell it. Without
// JavaScript the section stays hidden and the step-by-step choice remains.
document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector("[data-locate]");
  if (!section || !("geolocation" in navigator)) return;
  const form = section.querySelector("[data-locate-form]");
  const status = section.querySelector("[data-locate-status]");
  section.hidden = false;
  form.addEventListener("submit", (event) => {
    if (form.elements.lat.value && form.elements.lon.value) return;
    event.preventDefault();
    status.textContent = section.dataset.wait;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        form.elements.lat.value = position.coords.latitude.toFixed(5);
        form.elements.lon.value = position.coords.longitude.toFixed(5);
        form.submit();
      },
      () => {
        status.textContent = section.dataset.denied;
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 },
    );
  });
});
