import { Prisma } from "../../generated/prisma/client.ts";

/**
 * A condition on a document, as the retrieval filter describes it (the zod schema lives in
 * @tandem/knowledge; this package only needs its shape). `document_id`, `document_name` and `tags`
 * are built-in fields; any other name is a key of `documents.metadata`.
 */
export interface DocumentCondition {
  field: string;
  operator:
    | "eq"
    | "ne"
    | "gt"
    | "gte"
    | "lt"
    | "lte"
    | "contains"
    | "not_contains"
    | "starts_with"
    | "ends_with"
    | "in"
    | "not_in"
    | "empty"
    | "not_empty";
  value?: string | number | boolean | Array<string | number | boolean> | undefined;
}

export interface DocumentFilter {
  logic: "and" | "or";
  conditions: readonly DocumentCondition[];
}

const COMPARISONS = { eq: "=", ne: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function list(value: DocumentCondition["value"]): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map(String);
}

function single(value: DocumentCondition["value"]): string | number | boolean {
  if (value === undefined || Array.isArray(value)) throw new Error("this operator needs a single value");
  return value;
}

function textCondition(column: Prisma.Sql, condition: DocumentCondition): Prisma.Sql {
  const { operator, value } = condition;
  switch (operator) {
    case "eq":
    case "ne":
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return Prisma.sql`${column} ${Prisma.raw(COMPARISONS[operator])} ${String(single(value))}`;
    case "contains":
      return Prisma.sql`${column} ILIKE ${`%${escapeLike(String(single(value)))}%`}`;
    case "not_contains":
      return Prisma.sql`coalesce(${column} NOT ILIKE ${`%${escapeLike(String(single(value)))}%`}, true)`;
    case "starts_with":
      return Prisma.sql`${column} ILIKE ${`${escapeLike(String(single(value)))}%`}`;
    case "ends_with":
      return Prisma.sql`${column} ILIKE ${`%${escapeLike(String(single(value)))}`}`;
    case "in":
      return Prisma.sql`${column} = ANY(${list(value)}::text[])`;
    case "not_in":
      return Prisma.sql`coalesce(NOT (${column} = ANY(${list(value)}::text[])), true)`;
    case "empty":
      return Prisma.sql`coalesce(${column}, '') = ''`;
    case "not_empty":
      return Prisma.sql`coalesce(${column}, '') <> ''`;
  }
}

function tagsCondition(condition: DocumentCondition): Prisma.Sql {
  const { operator, value } = condition;
  switch (operator) {
    case "eq":
    case "contains":
      return Prisma.sql`${String(single(value))} = ANY(d.tags)`;
    case "ne":
    case "not_contains":
      return Prisma.sql`NOT (${String(single(value))} = ANY(d.tags))`;
    case "in":
      return Prisma.sql`d.tags && ${list(value)}::text[]`;
    case "not_in":
      return Prisma.sql`NOT (d.tags && ${list(value)}::text[])`;
    case "empty":
      return Prisma.sql`cardinality(d.tags) = 0`;
    case "not_empty":
      return Prisma.sql`cardinality(d.tags) > 0`;
    default:
      throw new Error(`tags support eq, ne, contains, not_contains, in, not_in, empty and not_empty, not ${operator}`);
  }
}

/**
 * A custom field of `documents.metadata`. Numbers compare as numbers when both sides are numbers,
 * booleans as booleans; everything else compares as text (ISO dates order correctly as text).
 */
function customCondition(condition: DocumentCondition): Prisma.Sql {
  const { field, operator, value } = condition;
  const text = Prisma.sql`(d.metadata ->> ${field})`;
  const isNumber = Prisma.sql`jsonb_typeof(d.metadata -> ${field}) = 'number'`;
  if (operator in COMPARISONS && typeof value === "number") {
    const comparison = COMPARISONS[operator as keyof typeof COMPARISONS];
    const sql = Prisma.sql`(${isNumber} AND (d.metadata ->> ${field})::numeric ${Prisma.raw(comparison)} ${value})`;
    return operator === "ne" ? Prisma.sql`coalesce(NOT (${isNumber} AND (d.metadata ->> ${field})::numeric = ${value}), true)` : sql;
  }
  if ((operator === "eq" || operator === "ne") && typeof value === "boolean") {
    const equal = Prisma.sql`(d.metadata -> ${field}) = to_jsonb(${value}::boolean)`;
    return operator === "eq" ? equal : Prisma.sql`coalesce(NOT ${equal}, true)`;
  }
  if (operator === "empty") return Prisma.sql`(NOT (d.metadata ? ${field}) OR jsonb_typeof(d.metadata -> ${field}) = 'null' OR ${text} = '')`;
  if (operator === "not_empty") return Prisma.sql`((d.metadata ? ${field}) AND jsonb_typeof(d.metadata -> ${field}) <> 'null' AND ${text} <> '')`;
  if (operator === "contains" || operator === "not_contains") {
    // A list field contains an element; a text field contains a substring.
    const needle = String(single(value));
    const hit = Prisma.sql`(CASE WHEN jsonb_typeof(d.metadata -> ${field}) = 'array'
      THEN (d.metadata -> ${field}) @> jsonb_build_array(${needle}::text)
      ELSE ${text} ILIKE ${`%${escapeLike(needle)}%`} END)`;
    return operator === "contains" ? hit : Prisma.sql`coalesce(NOT ${hit}, true)`;
  }
  return textCondition(text, condition);
}

function conditionSql(condition: DocumentCondition): Prisma.Sql {
  switch (condition.field) {
    case "document_id":
      if (!["eq", "ne", "in", "not_in"].includes(condition.operator)) {
        throw new Error(`document_id supports eq, ne, in and not_in, not ${condition.operator}`);
      }
      return textCondition(Prisma.sql`d.id::text`, condition);
    case "document_name":
      return textCondition(Prisma.sql`d.name`, condition);
    case "tags":
      return tagsCondition(condition);
    default:
      return customCondition(condition);
  }
}

/**
 * The filter as a boolean SQL expression over `documents d`, every value a bound parameter.
 * Throws an Error naming the problem for an operator a field does not support.
 */
export function documentFilterSql(filter: DocumentFilter | undefined): Prisma.Sql {
  if (!filter || filter.conditions.length === 0) return Prisma.sql`true`;
  const parts = filter.conditions.map((condition) => Prisma.sql`(${conditionSql(condition)})`);
  return Prisma.join(parts, filter.logic === "or" ? " OR " : " AND ");
}
