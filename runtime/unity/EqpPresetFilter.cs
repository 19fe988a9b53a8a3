// A Unity component that runs an exported preset (eqp export --format json, schema version 1) on
// its GameObject's audio in OnAudioFilterRead, at the output's sample rate, whatever it is, and
// switches presets at run time with a short crossfade (no click). Put it on the GameObject with
// the AudioSource (or AudioListener), assign the document (a TextAsset, e.g. presets.json) and a
// preset name. Needs EqpRuntime.cs next to it.
using System;
using System.Collections.Generic;
using UnityEngine;

namespace SemanticEq
{
    public class EqpPresetFilter : MonoBehaviour
    {
        [Tooltip("The preset document: eqp export <files> --format json > presets.json")]
        public TextAsset presetDocument;

        [Tooltip("The preset to run at start, by name.")]
        public string presetName;

        [Tooltip("The crossfade of SetPreset, in milliseconds.")]
        public float rampMs = 30f;

        readonly Dictionary<string, EqpPreset> presets = new Dictionary<string, EqpPreset>();
        int sampleRate;

        // Written by the main thread, read by the audio thread: reference assignments are atomic.
        volatile EqpChain current;
        volatile EqpChain next;
        volatile int rampSamples;
        int rampDone;
        EqpChain fading;

        void Awake()
        {
            sampleRate = AudioSettings.outputSampleRate;
            Load(presetDocument.text);
            if (!string.IsNullOrEmpty(presetName)) SetPreset(presetName, 0f);
        }

        /// <summary>Reads a preset document; throws with the problem when it is not version 1 or a name repeats.</summary>
        public void Load(string json)
        {
            var document = JsonUtility.FromJson<EqpDocument>(json);
            if (document == null || document.schemaVersion != 1)
                throw new ArgumentException("not a preset document of schema version 1");
            presets.Clear();
            foreach (var preset in document.presets)
            {
                if (presets.ContainsKey(preset.name)) throw new ArgumentException("a second preset named " + preset.name);
                presets.Add(preset.name, preset);
            }
        }

        public IEnumerable<string> PresetNames { get { return presets.Keys; } }

        /// <summary>Moves to another preset: the old chain fades out while the new one fades in over rampMs.</summary>
        public void SetPreset(string name, float fadeMs)
        {
            EqpPreset preset;
            if (!presets.TryGetValue(name, out preset)) throw new KeyNotFoundException("no preset named " + name);
            var chain = new EqpChain(preset, sampleRate);
            rampSamples = Math.Max(0, (int)(fadeMs * 0.001f * sampleRate));
            next = chain;
            presetName = name;
        }

        public void SetPreset(string name) { SetPreset(name, rampMs); }

        void OnAudioFilterRead(float[] data, int channels)
        {
            var incoming = next;
            if (incoming != null)
            {
                next = null;
                fading = rampSamples > 0 ? current : null;
                rampDone = 0;
                current = incoming;
            }
            var chain = current;
            if (chain == null) return;
            if (fading == null) { chain.Process(data, channels); return; }
            int total = rampSamples;
            for (int frame = 0; frame + channels <= data.Length; frame += channels)
            {
                float t = rampDone < total ? (float)rampDone / total : 1f;
                for (int ch = 0; ch < channels && ch < 8; ch++)
                {
                    float input = data[frame + ch];
                    data[frame + ch] = chain.ProcessSample(input, ch) * t + fading.ProcessSample(input, ch) * (1f - t);
                }
                rampDone++;
            }
            if (rampDone >= total) fading = null;
        }
    }
}
