/**
 * Faults in what training reads and writes: data files that cannot be read, are cut short or are
 * wrong in every column; model folders that are missing, cut short, of another version or shape;
 * a disk that fills up while a model is saved. Each gives a clear error naming the file (and line),
 * nothing half-written is left, and the previous model stays in use.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { bundledModelDir, MetadataError } from "../../server/src/core/index.js";
import { COLUMN_COUNT, DatasetError, loadDataset, parseDataset } from "../../server/src/core/training/index.js";
import {
  DISK_WRITER,
  loadSemanticModel,
  METADATA_FILE,
  ModelFolderError,
  NETWORK_FILE,
  readModelFolder,
  saveModelFolder,
  WEIGHTS_FILE,
  type ModelFolderWriter,
  type TrainedModelMetadata,
} from "../../server/src/core/network/modelFolder.js";
import { PARAMETERS } from "../../server/src/core/model/index.js";
import type { SemanticModel } from "../../server/src/core/model/index.js";
import type { Network } from "../../server/src/core/network/index.js";
import { ModelHost } from "../../server/src/core/index.js";
import { loadFixtureModel, networkFilesOf } from "../support/fixtureModel.js";
import { csvLine, generateRows, toCsv } from "../support/safeCsv.js";

const scratch = mkdtempSync(path.join(tmpdir(), "eqp-faults-"));
let modelDir: string;
let model: SemanticModel<Network>;

before(async () => {
  ({ dir: modelDir, model } = await loadFixtureModel());
});
after(() => {
  model.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

function folderHashes(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((entry) => [
        entry,
        createHash("sha256")
          .update(readFileSync(path.join(dir, entry)))
          .digest("hex"),
      ]),
  );
}

describe("training data faults", () => {
  it("says a data path that cannot be read is missing, a folder, or not a file name", () => {
    const dangling = path.join(scratch, "dangling.csv");
    symlinkSync(path.join(scratch, "gone.csv"), dangling);
    assert.throws(
      () => loadDataset(dangling),
      (error: Error) => error instanceof DatasetError && error.message === `${dangling}: no such file`,
    );
    const folder = path.join(scratch, "folder.csv");
    mkdirSync(folder);
    assert.throws(
      () => loadDataset(folder),
      (error: Error) => error instanceof DatasetError && error.message === `${folder}: is a folder, not a CSV file`,
    );
    assert.throws(
      () => loadDataset("data\u0000.csv"),
      (error: Error) => error instanceof DatasetError && error.message === "data\\u0000.csv: not a usable file name",
    );
  });

  it("reports a file cut in the middle of a row at that row's line", () => {
    const text = toCsv(generateRows(40, 2));
    const cut = text.slice(0, text.length - 30);
    const dataset = parseDataset(cut, "cut.csv", { minExamples: 1 });
    assert.deepEqual(
      dataset.report.skipped.map((skipped) => skipped.line),
      [40],
    );
    assert.match(dataset.report.skipped[0]!.reason, /^expected 25 columns, found \d+$/);
    assert.equal(dataset.rows.length, 39);
  });

  it("stops with the line when a file is cut inside a quoted field", () => {
    const lines = toCsv(generateRows(10, 2)).split("\n");
    const cut = `${lines.slice(0, 6).join("\n")}\n7,"warm,user1,2,2`;
    assert.throws(
      () => parseDataset(cut, "quoted.csv"),
      (error: Error) =>
        error instanceof DatasetError &&
        error.message === "quoted.csv:7: not readable as CSV (a quote opens in this row and never closes)",
    );
  });

  it("reports a bad value in every checked column with its line, and ignores the columns it does not use", () => {
    const rows = generateRows(30, 4);
    const lines = rows.map((row, index) => csvLine(index + 1, row));
    const expected: { line: number; reason: RegExp }[] = [];
    /** Appends a copy of a good row with one column replaced. */
    const bad = (column: number, value: string, reason: RegExp) => {
      const cells = lines[0]!.split(",");
      cells[column] = value;
      lines.push(cells.join(","));
      expected.push({ line: lines.length, reason });
    };
    bad(1, "", /^no descriptor \(column 2\)$/);
    bad(1, "   ", /^no descriptor \(column 2\)$/);
    bad(2, "", /^no participant \(column 3\)$/);
    for (const parameter of PARAMETERS) {
      const column = 5 + parameter.index;
      const label = `column ${column + 1} \\(${parameter.name.replace(".", "\\.")}\\)`;
      for (const value of ["loud", "", "0x1F", "Infinity", "NaN", "1e999", "12dB", "1,5"]) {
        if (value === "1,5") {
          // A decimal comma splits the row: one column too many.
          bad(column, value, /^expected 25 columns, found 26$/);
        } else {
          bad(
            column,
            value,
            new RegExp(`^${label} is not a number: ${JSON.stringify(value).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
          );
        }
      }
      const outside = String(parameter.pluginRange.max * 10 + 100);
      bad(column, outside, new RegExp(`^${label} = ${outside} is outside the plug-in range`));
    }
    const used = lines.length;
    // Columns training does not read (id, channels, the metadata, the checksum) may hold anything.
    for (const column of [0, 3, 4, ...Array.from({ length: COLUMN_COUNT - 18 }, (_, k) => 18 + k)]) {
      const cells = lines[0]!.split(",");
      cells[column] = "??";
      lines.push(cells.join(","));
    }
    const dataset = parseDataset(`${lines.join("\n")}\n`, "every-column.csv", { minExamples: 1 });
    assert.equal(dataset.report.skipped.length, expected.length);
    for (const [index, { line, reason }] of expected.entries()) {
      const skipped = dataset.report.skipped[index]!;
      assert.equal(skipped.line, line);
      assert.match(skipped.reason, reason);
    }
    assert.equal(dataset.rows.length, 30 + (lines.length - used));
  });

  it("refuses a file with no usable row, saying why", () => {
    const lines = generateRows(5, 1).map((row, index) => csvLine(index + 1, row).replace(/,2,2,[^,]+/, ",2,2,loud"));
    assert.throws(
      () => parseDataset(lines.join("\n"), "useless.csv"),
      (error: Error) =>
        error instanceof DatasetError &&
        /^useless\.csv: no usable rows \(5 rows read, 0 used, 5 malformed \(5 column 6 \(lowShelf\.gain\) is not a number\)/.test(
          error.message,
        ),
    );
    assert.throws(() => parseDataset("\n\n  \n", "blank.csv"), /^DatasetError: blank\.csv: the file is empty$/);
  });
});

/** A copy of the fixture model, broken by `damage`. */
function brokenCopy(name: string, damage: (dir: string) => void): string {
  const dir = path.join(scratch, "models", name);
  cpSync(modelDir, dir, { recursive: true });
  damage(dir);
  return dir;
}

function editJson(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  edit(json);
  writeFileSync(file, JSON.stringify(json));
}

const BROKEN_MODELS: { name: string; damage: (dir: string) => void; message: RegExp }[] = [
  { name: "missing", damage: (dir) => rmSync(dir, { recursive: true }), message: /metadata\.json: missing$/ },
  { name: "no-metadata", damage: (dir) => rmSync(path.join(dir, METADATA_FILE)), message: /metadata\.json: missing$/ },
  {
    name: "metadata-cut",
    damage: (dir) => truncateSync(path.join(dir, METADATA_FILE), 200),
    message: /metadata\.json: unreadable \(.*JSON/,
  },
  {
    name: "wrong-version",
    damage: (dir) => editJson(path.join(dir, METADATA_FILE), (json) => (json.formatVersion = 2)),
    message: /metadata\.json: format version 2 is not supported \(expected 1\)/,
  },
  {
    name: "wrong-format",
    damage: (dir) => editJson(path.join(dir, METADATA_FILE), (json) => (json.format = "something-else")),
    message: /metadata\.json: "format" must be "eqpreset-model"/,
  },
  {
    name: "weights-cut",
    damage: (dir) => truncateSync(networkFilesOf(dir).weights, 1000),
    message: /weights-[0-9a-f]{12}\.bin: does not match metadata\.json \(checksum differs\)/,
  },
  {
    name: "weights-cut-unchecked",
    damage: (dir) => {
      truncateSync(networkFilesOf(dir).weights, 1000);
      editJson(path.join(dir, METADATA_FILE), (json) => delete (json.model as Record<string, unknown>).weightsSha256);
    },
    message: /model-[0-9a-f]{12}\.json: .*(bytes|byte)/,
  },
  {
    name: "no-network",
    damage: (dir) => rmSync(networkFilesOf(dir).network),
    message: /the network files cannot be read \(.*model-[0-9a-f]{12}\.json/,
  },
  {
    name: "wrong-shape",
    damage: (dir) =>
      editJson(networkFilesOf(dir).network, (json) => {
        const weights = (json.weightsManifest as { weights: { shape: number[] }[] }[])[0]!.weights;
        weights[0]!.shape = [weights[0]!.shape[0]! + 1, ...weights[0]!.shape.slice(1)];
      }),
    message: /model\.json: .*shape/,
  },
  {
    name: "wrong-latent",
    damage: (dir) =>
      editJson(path.join(dir, METADATA_FILE), (json) => ((json.model as Record<string, unknown>).latentSize = 3)),
    message: /metadata\.json: latentSize 3 ≠ the network's \d+/,
  },
  {
    name: "wrong-centroid",
    damage: (dir) =>
      editJson(
        path.join(dir, METADATA_FILE),
        (json) => ((json.model as { words: { centroid: number[] }[] }).words[0]!.centroid = [1, 2]),
      ),
    message: /metadata\.json: the centroid of '\w+' has the wrong length/,
  },
  // Values JSON can hold but a model cannot use: each would decode as NaN ("Fc NaN Hz").
  {
    name: "null-in-centroid",
    damage: (dir) => editModel(dir, (model) => (model.words[0]!.centroid[3] = null)),
    message: /metadata\.json: model\.words\.\w+\.centroid\[3\] is null, expected a finite number/,
  },
  {
    name: "string-in-output-latent",
    damage: (dir) =>
      editModel(dir, (model) => (model.words[1]!.outputLatent = model.words[1]!.centroid.map(() => "0.5"))),
    message: /metadata\.json: model\.words\.\w+\.outputLatent\[0\] is "0\.5", expected a finite number/,
  },
  {
    name: "string-in-bound",
    damage: (dir) => editModel(dir, (model) => (model.bounds.ranges[1]!.min = "x")),
    message: /metadata\.json: model\.bounds\.ranges\[1\]\.min is "x", expected a finite number/,
  },
  {
    name: "null-in-flat-latent",
    damage: (dir) => editModel(dir, (model) => (model.flatLatent[0] = null)),
    message: /metadata\.json: model\.flatLatent\[0\] is null, expected a finite number/,
  },
  {
    name: "word-not-text",
    damage: (dir) => editModel(dir, (model) => (model.words[2]!.word = 7)),
    message: /metadata\.json: model\.words\[2\]\.word is 7, expected a word \(text\)/,
  },
];

/** The "model" section of a model folder's metadata, edited as loosely as a hand or a tool might. */
interface LooseModel {
  words: { word: unknown; centroid: unknown[]; outputLatent?: unknown[] }[];
  bounds: { ranges: { min: unknown }[] };
  flatLatent: unknown[];
}

function editModel(dir: string, edit: (model: LooseModel) => void): void {
  editJson(path.join(dir, METADATA_FILE), (json) => edit(json.model as LooseModel));
}

describe("model folder faults", () => {
  for (const broken of BROKEN_MODELS) {
    it(`says what is wrong with a model folder: ${broken.name}`, () => {
      const dir = brokenCopy(broken.name, broken.damage);
      assert.throws(
        () => readModelFolder(dir),
        (error: Error) => {
          assert.ok(
            error instanceof ModelFolderError || error instanceof MetadataError,
            `${error.name}: ${error.message}`,
          );
          assert.match(error.message, broken.message);
          assert.ok(error.message.includes(dir), `the message does not name the folder: ${error.message}`);
          return true;
        },
      );
    });
  }

  it("falls back to the bundled model, saying why, for every broken folder", async () => {
    for (const broken of BROKEN_MODELS) {
      const host = new ModelHost();
      host.load(path.join(scratch, "models", broken.name));
      await host.loadNetwork();
      const state = host.current;
      assert.equal(path.resolve(state.dir), path.resolve(bundledModelDir()), broken.name);
      assert.match(state.warning ?? "", /Using the bundled model/, broken.name);
      assert.ok(host.semantic, `${broken.name}: the bundled network is not in use`);
      assert.ok(host.vocabulary.lookup("warm"), broken.name);
      host.semantic.dispose();
    }
  });
});

describe("saving a model when the disk fills up", () => {
  const metadata = () => {
    const full = JSON.parse(readFileSync(path.join(modelDir, METADATA_FILE), "utf8")) as TrainedModelMetadata;
    const { network: _network, weightsSha256: _sha, ...info } = full.model;
    return { ...full, model: info };
  };

  /** Writes the first `okFiles` files, then the disk is "full" (an atomic write leaves nothing of the next). */
  function fullDisk(okFiles: number): ModelFolderWriter {
    let written = 0;
    return {
      writeFile: (file, data) => {
        if (written++ < okFiles) return DISK_WRITER.writeFile(file, data);
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
          code: "ENOSPC",
          errno: -28,
          syscall: "write",
        });
      },
    };
  }

  /** An older model folder (model.json, weights.bin) with a README: the fixture network differs from it. */
  function previousModel(name: string): { parent: string; target: string } {
    const parent = path.join(scratch, name);
    const target = path.join(parent, "model");
    cpSync(bundledModelDir(), target, { recursive: true });
    writeFileSync(path.join(target, "README.md"), "notes\n");
    return { parent, target };
  }

  it("keeps the previous model and leaves nothing of the new one", () => {
    const { parent, target } = previousModel("save-over");
    const before = folderHashes(target);
    for (const okFiles of [0, 1, 2]) {
      assert.throws(
        () => saveModelFolder(target, model.network, metadata(), fullDisk(okFiles)),
        (error: Error) =>
          error instanceof ModelFolderError &&
          error.message ===
            `${target}: the model could not be written (ENOSPC: no space left on device, write); the previous model is unchanged`,
      );
      assert.deepEqual(folderHashes(target), before);
      assert.deepEqual(readdirSync(parent), ["model"]);
    }
    // And the folder still loads: it is the model in use.
    loadSemanticModel(target).model.dispose();
  });

  it("writes nothing when there was no model before", () => {
    const parent = path.join(scratch, "save-new");
    const target = path.join(parent, "model");
    assert.throws(
      () => saveModelFolder(target, model.network, metadata(), fullDisk(1)),
      /could not be written \(ENOSPC.*\); nothing was written$/,
    );
    assert.deepEqual(readdirSync(parent), []);
  });

  it("replaces a model with the folder holding a whole model at every step, and keeps other files", () => {
    const { target } = previousModel("swap");
    const loads = () => readModelFolder(target).network.dispose();
    const watching: ModelFolderWriter = {
      writeFile: (file, data) => {
        loads();
        DISK_WRITER.writeFile(file, data);
        loads();
      },
    };
    saveModelFolder(target, model.network, metadata(), watching);
    const { metadata: saved, network } = readModelFolder(target);
    network.dispose();
    const fixture = JSON.parse(readFileSync(path.join(modelDir, METADATA_FILE), "utf8")) as TrainedModelMetadata;
    assert.equal(saved.model.weightsSha256, fixture.model.weightsSha256);
    // The older model's network files are gone, the README stays, nothing else is added.
    const files = readdirSync(target).sort();
    assert.equal(files.length, 4, files.join(", "));
    assert.ok(files.includes("README.md") && files.includes(METADATA_FILE), files.join(", "));
    assert.ok(!files.includes(NETWORK_FILE) && !files.includes(WEIGHTS_FILE), files.join(", "));
    assert.equal(readFileSync(path.join(target, "README.md"), "utf8"), "notes\n");
  });

  it("refuses a folder that holds other files and no model, and touches nothing in it", () => {
    const repo = path.join(scratch, "a-repository");
    mkdirSync(path.join(repo, ".git"), { recursive: true });
    writeFileSync(path.join(repo, ".git", "HEAD"), "ref: refs/heads/main\n");
    writeFileSync(path.join(repo, "voice.eqp"), 'preset "Voice" {\n  bell 1kHz +2dB\n}\n');
    const before = JSON.stringify(folderHashes(path.join(repo, ".git"))) + JSON.stringify(readdirSync(repo));
    assert.throws(
      () => saveModelFolder(repo, model.network, metadata()),
      (error: Error) =>
        error instanceof ModelFolderError &&
        error.message.startsWith(`${repo} is not empty and holds no model (.git, voice.eqp)`),
    );
    assert.equal(JSON.stringify(folderHashes(path.join(repo, ".git"))) + JSON.stringify(readdirSync(repo)), before);
    // An empty folder is fine.
    const empty = path.join(scratch, "empty-folder");
    mkdirSync(empty);
    saveModelFolder(empty, model.network, metadata());
    loadSemanticModel(empty).model.dispose();
  });

  it("refuses a target under a file before writing anything", () => {
    const file = path.join(scratch, "a-file");
    writeFileSync(file, "");
    assert.throws(
      () => saveModelFolder(path.join(file, "model"), model.network, metadata()),
      (error: Error) =>
        error instanceof ModelFolderError && error.message.endsWith(`cannot be created, ${file} is a file`),
    );
    assert.throws(
      () => saveModelFolder(file, model.network, metadata()),
      (error: Error) => error instanceof ModelFolderError && error.message === `${file} exists and is not a folder`,
    );
  });
});
