import { describe, expect, it } from "vitest";
import { identifierTokens, splitWords, stemToken, textTokens } from "./tokenize.ts";

describe("splitWords", () => {
  it("splits snake_case, camelCase, acronyms and digits", () => {
    expect(splitWords("InvoiceLine_ID2")).toEqual(["invoice", "line", "id", "2"]);
    expect(splitWords("billing_postal_code")).toEqual(["billing", "postal", "code"]);
    expect(splitWords("HTTPServerURL")).toEqual(["http", "server", "url"]);
    expect(splitWords("Home Town")).toEqual(["home", "town"]);
  });
});

describe("stemToken", () => {
  it("folds plurals without mangling words that end in s", () => {
    expect(["countries", "boxes", "churches", "tracks", "address", "status", "analysis", "bus"].map(stemToken)).toEqual([
      "country",
      "box",
      "church",
      "track",
      "address",
      "status",
      "analysis",
      "bus",
    ]);
    expect(stemToken("people")).toBe("person");
    expect(stemToken("id")).toBe("id");
  });
});

describe("tokens", () => {
  it("identifiers keep every word, questions drop stopwords and possessives", () => {
    expect(identifierTokens("InvoiceLines")).toEqual(["invoice", "line"]);
    expect(textTokens("What are the names of the customer's invoices?")).toEqual(["name", "customer", "invoice"]);
  });
});
