/** The two-tone chime before a call is spoken, made with the Web Audio API (no audio file to load). */

let context: AudioContext | null = null;

function audioContext(): AudioContext | null {
  if (typeof AudioContext === 'undefined') return null;
  context ??= new AudioContext();
  return context;
}

/** Lets sound play from now on: browsers keep audio suspended until a user gesture calls this. */
export async function unlockAudio(): Promise<void> {
  await audioContext()?.resume();
}

/** Plays the chime; silent (and harmless) while the browser still blocks audio. */
export function playChime(): void {
  const audio = audioContext();
  if (!audio || audio.state !== 'running') return;
  const tones = [
    { frequency: 880, start: 0 },
    { frequency: 660, start: 0.35 },
  ];
  for (const { frequency, start } of tones) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    const at = audio.currentTime + start;
    oscillator.type = 'sine';
    oscillator.frequency.setValueAtTime(frequency, at);
    // A soft attack and decay: a tone that starts or stops at full volume clicks.
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.4, at + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.6);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.65);
  }
}

/** Speaks the text in pt-BR; called even while audio is blocked, so the call is never skipped on our side. */
export function speak(text: string): void {
  if (typeof window === 'undefined' || !('speechSynthesis' in window)) return;
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = 'pt-BR';
  window.speechSynthesis.speak(utterance);
}
