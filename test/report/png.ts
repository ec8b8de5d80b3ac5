/**
 * PNG checks for the report tests: the header fields from the bytes, and pixel statistics from
 * the decoded image (via the `canvas` that chartjs-node-canvas depends on).
 */
import { createRequire } from 'node:module';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngHeader {
  width: number;
  height: number;
}

/** Reads width and height from the IHDR chunk; throws if `png` is not a PNG. */
export function pngHeader(png: Buffer): PngHeader {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG: bad signature');
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG: IHDR is not first');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

interface CanvasModule {
  loadImage(src: Buffer): Promise<{ width: number; height: number }>;
  createCanvas(w: number, h: number): {
    getContext(kind: '2d'): {
      drawImage(img: unknown, x: number, y: number): void;
      getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
    };
  };
}

function canvasModule(): CanvasModule {
  const require = createRequire(import.meta.url);
  return createRequire(require.resolve('chartjs-node-canvas'))('canvas') as CanvasModule;
}

export interface PixelStats {
  total: number;
  /** Pixels that are not (near) white. */
  inked: number;
  /** Pixels within `tolerance` of each probe colour, by probe name. */
  probes: Record<string, number>;
}

/** Decodes `png` and counts inked pixels and pixels close to each probe colour. */
export async function pixelStats(
  png: Buffer,
  probes: Record<string, [number, number, number]> = {},
  tolerance = 12,
): Promise<PixelStats> {
  const { loadImage, createCanvas } = canvasModule();
  const image = await loadImage(png);
  const ctx = createCanvas(image.width, image.height).getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  const stats: PixelStats = { total: image.width * image.height, inked: 0, probes: {} };
  for (const name of Object.keys(probes)) stats.probes[name] = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
    if (r < 245 || g < 245 || b < 245) stats.inked += 1;
    for (const [name, [pr, pg, pb]] of Object.entries(probes)) {
      const near = (a: number, b: number) => Math.abs(a - b) <= tolerance;
      if (near(r, pr) && near(g, pg) && near(b, pb)) stats.probes[name] += 1;
    }
  }
  return stats;
}
