/**
 * One step of a picker: a quick pick whose active item can be preset (the last choice), which
 * `showQuickPick` cannot do. Resolves with the accepted item, or undefined when dismissed.
 */
import * as vscode from "vscode";

export function pickOne<T extends vscode.QuickPickItem>(
  items: readonly (T | vscode.QuickPickItem)[],
  options: { title: string; placeholder?: string; active?: T },
): Promise<T | undefined> {
  const pick = vscode.window.createQuickPick<T | vscode.QuickPickItem>();
  pick.title = options.title;
  pick.placeholder = options.placeholder ?? "";
  pick.items = items;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  if (options.active) pick.activeItems = [options.active];
  // A picker opened by a task would otherwise vanish when the terminal takes focus.
  pick.ignoreFocusOut = true;
  return new Promise((resolve) => {
    let accepted: T | undefined;
    pick.onDidAccept(() => {
      const [item] = pick.selectedItems;
      // Separators cannot be selected; any other item is one of ours.
      accepted = item && item.kind !== vscode.QuickPickItemKind.Separator ? (item as T) : undefined;
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(accepted);
    });
    pick.show();
  });
}

export function separator(label: string): vscode.QuickPickItem {
  return { label, kind: vscode.QuickPickItemKind.Separator };
}
