CREATE TABLE "tag_keys" (
	"tenant_id" integer NOT NULL,
	"scope" smallint NOT NULL,
	"key" text NOT NULL,
	"first_seen_ns" bigint NOT NULL,
	"last_seen_ns" bigint NOT NULL,
	"values_capped" boolean DEFAULT false NOT NULL,
	CONSTRAINT "tag_keys_tenant_id_scope_key_pk" PRIMARY KEY("tenant_id","scope","key")
);
--> statement-breakpoint
CREATE TABLE "tag_values" (
	"tenant_id" integer NOT NULL,
	"scope" smallint NOT NULL,
	"key" text NOT NULL,
	"value_type" text NOT NULL,
	"value" text NOT NULL,
	"first_seen_ns" bigint NOT NULL,
	"last_seen_ns" bigint NOT NULL,
	CONSTRAINT "tag_values_tenant_id_scope_key_value_type_value_pk" PRIMARY KEY("tenant_id","scope","key","value_type","value")
);
