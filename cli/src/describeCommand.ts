/** `eqp describe`: the words of the model nearest to each preset's bands, through its encoder. */
import type { Command } from "commander";
import { Option } from "commander";
import { presetLabel, type MorphTermValue } from "../../server/src/core/index.js";
import { describeConfidence, formatDescription, type Vocabulary } from "../../server/src/core/model/index.js";
import { UsageError } from "./files.js";
import { readPresetInput, stoppingOnReportedErrors } from "./presetInput.js";
import { printOut } from "./terminal.js";

interface DescribeOptions {
  preset?: string;
  model?: string;
  words: number;
  format: "text" | "json";
}

function wordCount(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 10)
    throw new UsageError(`--words must be a whole number from 1 to 10, not ${JSON.stringify(text)}`);
  return value;
}

export function addDescribeCommand(program: Command): void {
  program
    .command("describe")
    .description(
      "name the words nearest to each preset's bands (\"0.7 warm, 0.2 bright\"), through the model's encoder",
    )
    .argument("<file>", "a preset file")
    .option("--preset <name>", 'only this preset ("" for the unnamed one)')
    .option("--model <dir>", "model folder (default: the bundled model)")
    .option("--words <n>", "at most this many words per preset", wordCount, 3)
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action((file: string, options: DescribeOptions) =>
      stoppingOnReportedErrors("describe", undefined, () => runDescribe(file, options)),
    );
}

async function runDescribe(file: string, options: DescribeOptions): Promise<void> {
  const input = await readPresetInput(file, { preset: options.preset, model: options.model, needModel: true });
  try {
    const described = input.presets.map(({ resolved, concrete }) => ({
      resolved,
      bands: concrete.bands,
      terms: input.services.model.describe(concrete.bands, options.words) ?? [],
    }));
    if (options.format === "json") {
      const vocabulary = input.services.vocabulary;
      const json = described.map(({ resolved, terms }) => ({
        name: resolved.name ?? null,
        morph: resolved.morph !== undefined,
        words: terms.map((term) => {
          const info = vocabulary.lookup(term.word);
          return { ...term, confidence: info?.confidence ?? null, summary: info?.summary ?? null };
        }),
      }));
      printOut(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      for (const { resolved, terms, bands } of described) {
        const note = resolved.morph ? " (with its morph's bands)" : "";
        printOut(`${presetLabel(resolved)}${note}: ${formatDescription(terms, bands)}\n`);
        for (const line of confidenceLines(terms, input.services.vocabulary)) printOut(`  ${line}\n`);
      }
    }
  } finally {
    input.services.dispose();
  }
}

/** "warm: high confidence: 532 SAFE-DB settings, 64 SocialFX curves, agreement 0.97 — lifts 150–500 Hz" per word. */
function confidenceLines(terms: readonly MorphTermValue[], vocabulary: Vocabulary): string[] {
  return terms.flatMap((term) => {
    const info = vocabulary.lookup(term.word);
    if (!info?.confidence) return [];
    return [`${term.word}: ${describeConfidence(info.confidence)}${info.summary ? ` — ${info.summary}` : ""}`];
  });
}
