/**
 * A value as it goes over the wire (JSON): the parser's ranges are `SourceRange` objects whose
 * positions are getters, so a range from a parse and the same range written as a literal (or moved
 * by the incremental parser) compare equal only in this form.
 */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
