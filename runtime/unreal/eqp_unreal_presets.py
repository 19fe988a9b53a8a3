"""Creates or updates Unreal Engine EQ preset assets from `eqp export --format unreal`.

Run in the Unreal Editor (Python Editor Script Plugin enabled), e.g. from the Output Log's Python
console or Tools > Execute Python Script:

    import eqp_unreal_presets
    eqp_unreal_presets.import_presets("C:/game/audio/presets.unreal.json", "/Game/Audio/EQ")

For every preset it writes two assets under the folder: `<assetName>` (SourceEffectEQPreset, for a
source effect chain) and `<assetName>_Submix` (SubmixEffectSubmixEQPreset, for a submix), each
with the preset's bands (unreal.SourceEffectEQBand / unreal.SubmixEffectEQBand: frequency, bandwidth
in octaves, gain_db, enabled). An existing asset of that name is updated in place, so a preset
switched at run time (SetSettings on the preset, or a different preset on the chain) keeps its
references. The preset's trim (outputGainDb, outputVolume) is printed: set it as the sound's or the
submix's volume; Unreal's EQ effects have no output gain.

Unreal Python API used: unreal.EditorAssetLibrary.does_asset_exist / load_asset / save_loaded_asset,
unreal.AssetToolsHelpers.get_asset_tools().create_asset (no factory: the editor picks the preset
class's own), set_editor_property("settings", ...), unreal.SourceEffectEQSettings(eq_bands=...),
unreal.SubmixEffectSubmixEQSettings(eq_bands=...).
"""
import json

import unreal


def _bands(band_type, preset):
    return [
        band_type(
            frequency=band["Frequency"],
            bandwidth=band["Bandwidth"],
            gain_db=band["GainDb"],
            enabled=band["bEnabled"],
        )
        for band in preset["EQBands"]
    ]


def _asset(folder, name, asset_class):
    path = f"{folder}/{name}"
    if unreal.EditorAssetLibrary.does_asset_exist(path):
        return unreal.EditorAssetLibrary.load_asset(path)
    tools = unreal.AssetToolsHelpers.get_asset_tools()
    return tools.create_asset(name, folder, asset_class, None)


def import_presets(document_path, folder="/Game/Audio/EQ"):
    """Creates or updates the assets of every preset in the document; returns their paths."""
    with open(document_path, encoding="utf-8") as file:
        document = json.load(file)
    written = []
    for preset in document["presets"]:
        source = _asset(folder, preset["assetName"], unreal.SourceEffectEQPreset)
        source.set_editor_property(
            "settings", unreal.SourceEffectEQSettings(eq_bands=_bands(unreal.SourceEffectEQBand, preset))
        )
        submix = _asset(folder, preset["assetName"] + "_Submix", unreal.SubmixEffectSubmixEQPreset)
        submix.set_editor_property(
            "settings", unreal.SubmixEffectSubmixEQSettings(eq_bands=_bands(unreal.SubmixEffectEQBand, preset))
        )
        for asset in (source, submix):
            unreal.EditorAssetLibrary.save_loaded_asset(asset)
            written.append(asset.get_path_name())
        unreal.log(
            f"eqp: {preset['name']}: {len(preset['EQBands'])} bands; trim {preset['outputGainDb']} dB"
            f" (volume {preset['outputVolume']})"
        )
        for warning in preset["warnings"]:
            unreal.log_warning(f"eqp: {preset['name']}: {warning}")
    return written
