// "Read aloud": the browser's own speech synthesis reads the question, the
// description of the screen shown and the answers, in Korean. The button
// stays hidden where the browser cannot speak; nothing else needs JavaScript.
(() => {
  const button = document.getElementById("read-aloud");
  if (!button || !window.speechSynthesis || typeof SpeechSynthesisUtterance !== "function") {
    return;
  }

  const textToRead = () => {
    const parts = [];
    const stem = document.querySelector(".take-stem");
    if (stem) parts.push(stem.textContent.trim());
    const screen = document.querySelector("[data-read-alt]");
    if (screen && screen.dataset.readAlt) parts.push(screen.dataset.readAlt);
    document.querySelectorAll(".take-option").forEach((option, index, all) => {
      const text = option.textContent.trim();
      // The last button is "I am not sure": read it without a number.
      const label = (button.dataset.answerLabel || "{n}").replace("{n}", String(index + 1));
      parts.push(index < all.length - 1 ? `${label}, ${text}` : text);
    });
    return parts.join(". ");
  };

  const koreanVoice = () =>
    window.speechSynthesis.getVoices().find((voice) => voice.lang && voice.lang.startsWith("ko"));

  button.hidden = false;
  button.addEventListener("click", () => {
    const synth = window.speechSynthesis;
    if (synth.speaking) {
      synth.cancel();
      return;
    }
    const utterance = new SpeechSynthesisUtterance(textToRead());
    utterance.lang = "ko-KR";
    utterance.rate = 0.9;
    const voice = koreanVoice();
    if (voice) utterance.voice = voice;
    synth.speak(utterance);
  });
})();
