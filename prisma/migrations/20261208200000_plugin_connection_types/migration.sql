-- The connection types plugins define (ADR 0025): the DAG processor stores what the parser child returns, so the
-- server, which never imports a plugin, can show them in the connections form and `flashflow connections types`.
-- Replaced on each parse pass. Hand-written to match prisma/schema.prisma; tests/integration/store-migrations.test.ts
-- checks that they agree.

-- CreateTable
CREATE TABLE "plugin_connection_type" (
    "conn_type" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "plugin_file" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "plugin_connection_type_pkey" PRIMARY KEY ("conn_type")
);
