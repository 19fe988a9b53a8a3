/**
 * Scripts that put presets into the authoring tools, so that designers get them as named presets:
 *
 * - FMOD Studio (`fmod-studio`): a Studio script (JavaScript, FMOD Studio Scripting API: the
 *   `studio.menu.addMenuItem`, `studio.project.create`, `studio.project.model.<Entity>.findInstances`,
 *   `studio.project.workspace.masterEffectPresetFolder` and `studio.project.save` calls of the
 *   Scripting API Reference) that adds a "Scripts > eqp > Create or update EQ presets" menu item.
 *   Each preset becomes an Effect Preset of a MultibandEqEffect (its properties `filterTypeA`,
 *   `frequencyA`, `qualityA`, `gainA` … `E`, the same values as `--format fmod` writes for the
 *   FMOD_DSP_MULTIBAND_EQ parameters) and, with a trim, one of a GainEffect (`gain`, dB).
 * - Wwise (`wwise-waapi`): a Python script for the `waapi-client` package (`WaapiClient`) that calls
 *   `ak.wwise.core.object.create` (type "Effect", the Wwise Parametric EQ's classId, onNameConflict
 *   "merge", so a second run updates) under \Effects\Default Work Unit and then
 *   `ak.wwise.core.object.setProperty` for each of the properties `--format wwise` writes.
 *
 * Both carry the same realisation, warnings and error in dB as `--format fmod` and `--format wwise`.
 */
import { fmodDocument } from "./fmod.js";
import { uniquePresetNames, type DocumentPreset } from "./json.js";
import type { ExportContext, ExportedPreset, ExportWarning } from "./types.js";
import { GENERATOR_ID } from "./version.js";
import { wwiseDocument } from "./wwise.js";

/** The Wwise Parametric EQ's class ID: plug-in ID 105, company 0 (Audiokinetic), type 3 (effect). */
export const WWISE_PARAMETRIC_EQ_CLASS_ID = (105 << 16) | 3;

interface Named {
  preset: DocumentPreset;
  name: string;
}

function named(presets: readonly DocumentPreset[]): Named[] {
  const names = uniquePresetNames(presets);
  return presets.map((preset, index) => ({ preset, name: names[index]! }));
}

/** The properties of a FMOD Studio MultibandEqEffect from the FMOD DSP parameters of one multiband EQ. */
function studioProperties(parameters: readonly { name: string; value: number }[]): Record<string, number> {
  const properties: Record<string, number> = {};
  for (const parameter of parameters) {
    const match = /^FMOD_DSP_MULTIBAND_EQ_([A-E])_(FILTER|FREQUENCY|Q|GAIN)$/.exec(parameter.name);
    if (!match) continue;
    const property = { FILTER: "filterType", FREQUENCY: "frequency", Q: "quality", GAIN: "gain" }[match[2]!];
    properties[`${property}${match[1]}`] = parameter.value;
  }
  return properties;
}

function fmodStudioData(presets: readonly DocumentPreset[]) {
  const warnings: ExportWarning[][] = [];
  const data = named(presets).map(({ preset, name }) => {
    const { document, warnings: presetWarnings } = fmodDocument(preset);
    warnings.push(presetWarnings);
    const eqs = [document.parameters, ...(document.chained ?? []).map((chained) => chained.parameters)];
    return {
      name,
      eqs: eqs.map(studioProperties),
      gainDb: document.outputGain.valueDb,
      warnings: document.warnings,
    };
  });
  return { data, warnings };
}

const FMOD_STUDIO_SCRIPT = `
function eqpFindPreset(name) {
  var presets = studio.project.model.EffectPreset.findInstances();
  for (var i = 0; i < presets.length; i++) if (presets[i].name === name) return presets[i];
  return null;
}

/* An Effect Preset of the given effect type, created or found by name, its properties set. */
function eqpPreset(name, effectType, properties) {
  var preset = eqpFindPreset(name);
  if (preset === null || !preset.effect || preset.effect.entity !== effectType) {
    if (preset === null) {
      preset = studio.project.create("EffectPreset");
      preset.name = name;
      preset.folder = studio.project.workspace.masterEffectPresetFolder;
    }
    preset.effect = studio.project.create(effectType);
  }
  for (var key in properties) preset.effect[key] = properties[key];
  return preset;
}

function eqpCreateOrUpdate() {
  var done = [];
  EQP_PRESETS.forEach(function (eqp) {
    eqp.eqs.forEach(function (properties, index) {
      var name = "EQ " + eqp.name + (eqp.eqs.length > 1 ? " " + (index + 1) : "");
      eqpPreset(name, "MultibandEqEffect", properties);
      done.push(name);
    });
    if (eqp.gainDb !== 0) {
      eqpPreset("EQ " + eqp.name + " trim", "GainEffect", { gain: eqp.gainDb });
      done.push("EQ " + eqp.name + " trim");
    }
    eqp.warnings.forEach(function (warning) { console.log(eqp.name + ": " + warning); });
  });
  studio.project.save();
  console.log("eqp: created or updated " + done.join(", "));
  return done;
}

if (typeof studio !== "undefined" && studio.menu)
  studio.menu.addMenuItem({ name: "eqp\\\\Create or update EQ presets", execute: eqpCreateOrUpdate });
`;

export function fmodStudioScript(presets: readonly DocumentPreset[]): { text: string; warnings: ExportWarning[][] } {
  const { data, warnings } = fmodStudioData(presets);
  const text = [
    `/* Generated by ${GENERATOR_ID} (eqp export --format fmod-studio). Copy into the project's Scripts folder`,
    "   (or %localappdata%/FMOD Studio/Scripts), then Scripts > Reload and Scripts > eqp > Create or update EQ presets. */",
    `var EQP_PRESETS = ${JSON.stringify(data, null, 2)};`,
    FMOD_STUDIO_SCRIPT,
  ].join("\n");
  return { text, warnings };
}

const WAAPI_SCRIPT = `
PARENT = "\\\\Effects\\\\Default Work Unit"


def create_or_update(client):
    """Each preset's Parametric EQ instances as Effect ShareSets, created or merged by name."""
    done = []
    for preset in PRESETS:
        for index, effect in enumerate(preset["effects"]):
            suffix = f" {index + 1}" if len(preset["effects"]) > 1 else ""
            name = f"EQ {preset['name']}{suffix}"
            created = client.call(
                "ak.wwise.core.object.create",
                {
                    "parent": PARENT,
                    "type": "Effect",
                    "classId": CLASS_ID,
                    "name": name,
                    "onNameConflict": "merge",
                },
            )
            for prop, value in effect["properties"].items():
                client.call("ak.wwise.core.object.setProperty", {"object": created["id"], "property": prop, "value": value})
            done.append(name)
        for warning in preset["warnings"]:
            print(f"{preset['name']}: {warning}")
    return done


def main():
    from waapi import WaapiClient

    with WaapiClient() as client:
        done = create_or_update(client)
    print("eqp: created or updated " + ", ".join(done))


if __name__ == "__main__":
    main()
`;

export function wwiseWaapiScript(presets: readonly DocumentPreset[]): { text: string; warnings: ExportWarning[][] } {
  const warnings: ExportWarning[][] = [];
  const data = named(presets).map(({ preset, name }) => {
    const { document, warnings: presetWarnings } = wwiseDocument(preset);
    warnings.push(presetWarnings);
    return { name, effects: document.effects, warnings: document.warnings };
  });
  const text = [
    `# Generated by ${GENERATOR_ID} (eqp export --format wwise-waapi).`,
    "# With Wwise open and WAAPI enabled (User Preferences): pip install waapi-client, then python this-file.py",
    "import json",
    "",
    `CLASS_ID = ${WWISE_PARAMETRIC_EQ_CLASS_ID}  # Wwise Parametric EQ: plug-in ID 105, company 0, type 3 (effect)`,
    // JSON inside a Python string: true/false stay JSON's, and no Python literal quoting is needed.
    `PRESETS = json.loads(${JSON.stringify(JSON.stringify(data))})`,
    WAAPI_SCRIPT,
  ].join("\n");
  return { text, warnings };
}

export function exportFmodStudioPreset(preset: DocumentPreset, context: ExportContext = {}): ExportedPreset {
  const fallbackName = preset.fallbackName ?? context.sourceName?.replace(/\.[^.]*$/, "");
  const { text, warnings } = fmodStudioScript([{ ...preset, fallbackName }]);
  return { format: "fmod-studio", preset, text, warnings: warnings[0]! };
}

export function exportWwiseWaapiPreset(preset: DocumentPreset, context: ExportContext = {}): ExportedPreset {
  const fallbackName = preset.fallbackName ?? context.sourceName?.replace(/\.[^.]*$/, "");
  const { text, warnings } = wwiseWaapiScript([{ ...preset, fallbackName }]);
  return { format: "wwise-waapi", preset, text, warnings: warnings[0]! };
}
