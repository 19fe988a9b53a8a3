/**
 * SVG checks for tests: a strict XML parse (the `sax` parser, which fails on any well-formedness
 * error) into a small element tree, and look-ups of the curve picture's parts.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text, entities decoded. */
  text: string;
}

interface SaxParser {
  onopentag: (tag: { name: string; attributes: Record<string, string> }) => void;
  onclosetag: () => void;
  ontext: (text: string) => void;
  onerror: (error: Error) => void;
  write(text: string): SaxParser;
  close(): SaxParser;
}

// sax ships no types; this is the part of its API the parse uses.
const sax = createRequire(import.meta.url)("sax") as {
  parser(strict: boolean, options: { xmlns?: boolean; strictEntities?: boolean }): SaxParser;
};

/** Parses XML strictly; throws on the first well-formedness error. */
export function parseXml(text: string): XmlElement {
  const parser = sax.parser(true, { strictEntities: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.onopentag = (tag) => {
    const element: XmlElement = { name: tag.name, attributes: { ...tag.attributes }, children: [], text: "" };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(element);
    else if (root) throw new Error("more than one root element");
    else root = element;
    stack.push(element);
  };
  parser.onclosetag = () => void stack.pop();
  parser.ontext = (chunk) => {
    if (stack.length > 0) stack[stack.length - 1]!.text += chunk;
  };
  parser.onerror = (error) => {
    throw error;
  };
  parser.write(text).close();
  // sax silently keeps the first of a repeated attribute; XML forbids repeating one.
  for (const [tag] of text.matchAll(/<[A-Za-z][^>]*>/g)) {
    const names = [...tag.matchAll(/\s([A-Za-z_:][-\w:.]*)\s*=/g)].map((match) => match[1]!);
    if (new Set(names).size !== names.length) throw new Error(`an attribute is repeated in ${tag}`);
  }
  if (!root) throw new Error("no root element");
  return root;
}

export function descendants(element: XmlElement): XmlElement[] {
  return element.children.flatMap((child) => [child, ...descendants(child)]);
}

export function hasClass(element: XmlElement, name: string): boolean {
  return (element.attributes.class ?? "").split(/\s+/).includes(name);
}

export interface CurveSvg {
  root: XmlElement;
  plot: { x: number; y: number; width: number; height: number; dbRange: number };
  markers: { slot: string; highlighted: boolean; cx: number; cy: number; label: string }[];
}

/** Parses a curve picture and checks its frame: an `<svg>` root with a plot rectangle and a curve. */
export function parseCurveSvg(svg: string): CurveSvg {
  const root = parseXml(svg);
  assert.equal(root.name, "svg");
  assert.equal(root.attributes.xmlns, "http://www.w3.org/2000/svg");
  const all = descendants(root);
  const plotRect = all.find((element) => element.name === "rect" && hasClass(element, "plot"));
  assert.ok(plotRect, "no plot rectangle");
  const number = (element: XmlElement, attribute: string) => {
    const value = Number(element.attributes[attribute]);
    assert.ok(Number.isFinite(value), `${element.name} ${attribute}=${element.attributes[attribute]}`);
    return value;
  };
  const markers = all
    .filter((element) => hasClass(element, "band-marker"))
    .map((group) => {
      const circle = group.children.find((child) => child.name === "circle");
      const label = group.children.find((child) => child.name === "text");
      assert.ok(circle && label, "a marker without circle or label");
      return {
        slot: group.attributes["data-slot"] ?? "",
        highlighted: hasClass(group, "highlight"),
        cx: number(circle, "cx"),
        cy: number(circle, "cy"),
        label: label.text,
      };
    });
  return {
    root,
    plot: {
      x: number(plotRect, "x"),
      y: number(plotRect, "y"),
      width: number(plotRect, "width"),
      height: number(plotRect, "height"),
      dbRange: number(plotRect, "data-db-range"),
    },
    markers,
  };
}

/** Where a frequency and a gain sit on the picture's axes: 20 Hz–20 kHz on a log scale, ±range dB. */
export function expectedPoint(picture: CurveSvg, frequencyHz: number, gainDb: number): { x: number; y: number } {
  const { plot } = picture;
  return {
    x: plot.x + (plot.width * Math.log(frequencyHz / 20)) / Math.log(1000),
    y: plot.y + (plot.height * (plot.dbRange - gainDb)) / (2 * plot.dbRange),
  };
}

/** The SVG inside a markdown `data:image/svg+xml;base64,` image, decoded. */
export function svgFromMarkdown(markdown: string): string | undefined {
  const match = /!\[[^\]]*\]\(data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)\)/.exec(markdown);
  return match ? Buffer.from(match[1]!, "base64").toString("utf8") : undefined;
}
