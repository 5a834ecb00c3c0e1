package dev.rollout.metrics.sql;

import java.util.Locale;

/**
 * What differs between the SQL engines rollout writes queries for: how a value column's NaN
 * becomes NULL (SQL aggregates skip NULL as rollout skips a missing cell, but a NaN would
 * poison {@code avg} and sorts above every number in PostgreSQL) and how a cell is turned into
 * text. Everything else rollout sends is ANSI: {@code count}, {@code sum}, {@code min},
 * {@code max}, {@code var_samp}, {@code GROUP BY}, quoted identifiers and bound parameters.
 */
enum Dialect {
    /** PostgreSQL: {@code 'NaN'::float8 = 'NaN'::float8} is true, so NaN is tested by equality. */
    POSTGRESQL("CASE WHEN %1$s = 'NaN'::float8 THEN NULL ELSE %1$s END", "varchar", "double precision"),
    DUCKDB("CASE WHEN isnan(%1$s) THEN NULL ELSE %1$s END", "varchar", "double"),
    TRINO("CASE WHEN is_nan(%1$s) THEN NULL ELSE %1$s END", "varchar", "double"),
    /** Any other engine: IEEE NaN is unequal to itself; an engine without NaN never takes the CASE. */
    GENERIC("CASE WHEN %1$s = %1$s THEN %1$s END", "varchar", "double precision");

    private final String nanToNull;
    private final String textType;
    private final String doubleType;

    Dialect(String nanToNull, String textType, String doubleType) {
        this.nanToNull = nanToNull;
        this.textType = textType;
        this.doubleType = doubleType;
    }

    /** The dialect of a JDBC URL: by its subprotocol, {@code jdbc:<engine>:…}. */
    static Dialect of(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (u.startsWith("jdbc:duckdb:")) {
            return DUCKDB;
        }
        if (u.startsWith("jdbc:trino:") || u.startsWith("jdbc:presto:")) {
            return TRINO;
        }
        return GENERIC;
    }

    String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code column} (a quoted identifier) as a double, NULL where it is NULL or NaN. */
    String number(String column) {
        return String.format(Locale.ROOT, nanToNull, "CAST(" + column + " AS " + doubleType + ")");
    }

    /** {@code column} as text: labels are compared as text, as in a CSV export, whatever the column's type. */
    String text(String column) {
        return "CAST(" + column + " AS " + textType + ")";
    }

    /** {@code name} as a quoted identifier: a double quote inside it doubled, so no name can end the quoting. */
    static String quoted(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code text} as a string literal, for the one place a value cannot be a parameter (a table function's file name). */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
