// The preset maths of @semantic-eq/runtime (runtime/src/coefficients.ts) in C#, with no Unity
// dependency: exact biquads for any sample rate, and a chain that runs them on interleaved
// samples. EqpPresetFilter.cs (a MonoBehaviour) reads the preset document and uses it.
// Coefficients: RBJ Audio EQ Cookbook shelves, bells and notches; Butterworth high/low-passes as
// RBJ sections with the Butterworth Qs, plus a first-order bilinear section for an odd order.
using System;
using System.Collections.Generic;

namespace SemanticEq
{
    /// <summary>Normalised biquad (a0 = 1): y = b0 x + b1 x1 + b2 x2 - a1 y1 - a2 y2.</summary>
    public struct EqpBiquad
    {
        public double b0, b1, b2, a1, a2;

        public EqpBiquad(double b0, double b1, double b2, double a0, double a1, double a2)
        {
            this.b0 = b0 / a0; this.b1 = b1 / a0; this.b2 = b2 / a0; this.a1 = a1 / a0; this.a2 = a2 / a0;
        }
    }

    /// <summary>One filter of a preset, as the preset document (schema version 1) holds it.</summary>
    [Serializable]
    public class EqpFilter
    {
        public string type;          // lowshelf, peaking, highshelf, highpass, lowpass, notch
        public double frequencyHz;
        public double gainDb;        // shelves and bells
        public double q;             // shelves, bells, notches; pass filters at 12 dB/oct (0: Butterworth)
        public int slopeDbPerOct;    // pass filters: 6, 12, 18, 24, 36 or 48
    }

    [Serializable]
    public class EqpPreset
    {
        public string name;
        public double outputGainDb;
        public EqpFilter[] filters;
    }

    [Serializable]
    public class EqpDocument
    {
        public int schemaVersion;
        public string generator;
        public EqpPreset[] presets;
    }

    public static class EqpCoefficients
    {
        public const double ButterworthQ = 0.70710678118654752;

        static EqpBiquad ShelfOrBell(string type, double w0, double gainDb, double q)
        {
            double a = Math.Pow(10, gainDb / 40), cos = Math.Cos(w0), alpha = Math.Sin(w0) / (2 * q);
            if (type == "notch") return new EqpBiquad(1, -2 * cos, 1, 1 + alpha, -2 * cos, 1 - alpha);
            if (type == "peaking")
                return new EqpBiquad(1 + alpha * a, -2 * cos, 1 - alpha * a, 1 + alpha / a, -2 * cos, 1 - alpha / a);
            double root = 2 * Math.Sqrt(a) * alpha;
            if (type == "lowshelf")
                return new EqpBiquad(
                    a * (a + 1 - (a - 1) * cos + root), 2 * a * (a - 1 - (a + 1) * cos), a * (a + 1 - (a - 1) * cos - root),
                    a + 1 + (a - 1) * cos + root, -2 * (a - 1 + (a + 1) * cos), a + 1 + (a - 1) * cos - root);
            if (type == "highshelf")
                return new EqpBiquad(
                    a * (a + 1 + (a - 1) * cos + root), -2 * a * (a - 1 + (a + 1) * cos), a * (a + 1 + (a - 1) * cos - root),
                    a + 1 - (a - 1) * cos + root, 2 * (a - 1 - (a + 1) * cos), a + 1 - (a - 1) * cos - root);
            throw new ArgumentException("unknown filter type " + type);
        }

        static EqpBiquad PassSection(string type, double w0, double q)
        {
            double cos = Math.Cos(w0), alpha = Math.Sin(w0) / (2 * q);
            double b1 = type == "lowpass" ? 1 - cos : -(1 + cos), outer = Math.Abs(b1) / 2;
            return new EqpBiquad(outer, b1, outer, 1 + alpha, -2 * cos, 1 - alpha);
        }

        static EqpBiquad FirstOrderSection(string type, double w0)
        {
            double k = Math.Tan(w0 / 2), a1 = (k - 1) / (k + 1);
            return type == "lowpass"
                ? new EqpBiquad(k / (k + 1), k / (k + 1), 0, 1, a1, 0)
                : new EqpBiquad(1 / (k + 1), -1 / (k + 1), 0, 1, a1, 0);
        }

        /// <summary>One filter's sections at a sample rate (one biquad, or a Butterworth cascade).</summary>
        public static List<EqpBiquad> FilterSections(EqpFilter filter, double sampleRate)
        {
            double w0 = 2 * Math.PI * filter.frequencyHz / sampleRate;
            var sections = new List<EqpBiquad>();
            if (filter.type == "highpass" || filter.type == "lowpass")
            {
                int order = filter.slopeDbPerOct / 6;
                if (order == 2) { sections.Add(PassSection(filter.type, w0, filter.q > 0 ? filter.q : ButterworthQ)); return sections; }
                bool odd = order % 2 == 1;
                if (odd) sections.Add(FirstOrderSection(filter.type, w0));
                for (int k = 0; k < order / 2; k++)
                {
                    double angle = odd ? Math.PI * (k + 1) / order : Math.PI * (2 * k + 1) / (2.0 * order);
                    sections.Add(PassSection(filter.type, w0, 1 / (2 * Math.Cos(angle))));
                }
                return sections;
            }
            sections.Add(ShelfOrBell(filter.type, w0, filter.type == "notch" ? 0 : filter.gainDb, filter.q));
            return sections;
        }

        /// <summary>Every filter's sections in order: run them in series, then apply the output gain.</summary>
        public static List<EqpBiquad> Coefficients(EqpPreset preset, double sampleRate)
        {
            if (!(sampleRate > 0)) throw new ArgumentException("sample rate must be positive");
            var all = new List<EqpBiquad>();
            foreach (var filter in preset.filters) all.AddRange(FilterSections(filter, sampleRate));
            return all;
        }
    }

    /// <summary>
    /// A preset's sections with their state, for up to <c>maxChannels</c> interleaved channels.
    /// Process allocates nothing: safe on the audio thread.
    /// </summary>
    public sealed class EqpChain
    {
        readonly EqpBiquad[] sections;
        readonly double[] state; // per channel and section: x1, x2, y1, y2
        readonly int maxChannels;
        public readonly float OutputGain;
        public readonly string Name;

        public EqpChain(EqpPreset preset, double sampleRate, int maxChannels = 8)
        {
            sections = EqpCoefficients.Coefficients(preset, sampleRate).ToArray();
            this.maxChannels = maxChannels;
            state = new double[maxChannels * sections.Length * 4];
            OutputGain = (float)Math.Pow(10, preset.outputGainDb / 20);
            Name = preset.name;
        }

        /// <summary>One sample of one channel through every section, times the output gain.</summary>
        public float ProcessSample(float input, int channel)
        {
            double x = input;
            int s = channel * sections.Length * 4;
            for (int i = 0; i < sections.Length; i++, s += 4)
            {
                EqpBiquad c = sections[i];
                double y = c.b0 * x + c.b1 * state[s] + c.b2 * state[s + 1] - c.a1 * state[s + 2] - c.a2 * state[s + 3];
                state[s + 1] = state[s]; state[s] = x;
                state[s + 3] = state[s + 2]; state[s + 2] = y;
                x = y;
            }
            return (float)(x * OutputGain);
        }

        /// <summary>Interleaved samples in place; channels beyond maxChannels pass through.</summary>
        public void Process(float[] data, int channels)
        {
            int used = Math.Min(channels, maxChannels);
            for (int frame = 0; frame + channels <= data.Length; frame += channels)
                for (int ch = 0; ch < used; ch++) data[frame + ch] = ProcessSample(data[frame + ch], ch);
        }
    }
}
