declare const jsonOf: unique symbol

/**
 * A string that holds the JSON of a `T`, written by hand for speed and sent as
 * the reply body as is (Fastify does not serialize a string). The brand keeps an
 * arbitrary string from standing in for it; a test parses real ones and checks
 * them against `T`'s schema.
 */
export type JsonText<T> = string & { readonly [jsonOf]: T }
