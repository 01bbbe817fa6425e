/** Hashes per stored tile (C2SP tlog-tiles width). */
export const TILE_WIDTH = 256;
export const HASH_SIZE = 32;

export interface NodeAddress {
  level: number;
  index: number;
}

export function tileOf(node: NodeAddress): { level: number; tileIndex: number; offset: number } {
  return {
    level: node.level,
    tileIndex: Math.floor(node.index / TILE_WIDTH),
    offset: node.index % TILE_WIDTH,
  };
}
