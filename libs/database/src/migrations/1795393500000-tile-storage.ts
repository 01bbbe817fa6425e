import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tiles hold SHA-256 hashes, which never compress: store them out of line uncompressed, so no
 * write tries to compress them and a proof reads only the 32-byte slices it needs of a tile.
 */
export class TileStorage1795393500000 implements MigrationInterface {
  name = 'TileStorage1795393500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_tree_tiles ALTER COLUMN hashes SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_tree_tiles ALTER COLUMN hashes SET STORAGE EXTENDED`);
  }
}
