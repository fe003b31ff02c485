package io.tokencost.cost;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The catalogs shipped as resources (prices, links, API prices): CSV with a header and '#' comments. */
public final class CatalogCsv {

    private CatalogCsv() {
    }

    /** The records of {@code resource}, resolved against {@code owner}'s package. */
    public static List<CSVRecord> read(Class<?> owner, String resource) {
        InputStream stream = owner.getResourceAsStream(resource);
        if (stream == null) {
            throw new IllegalStateException("catalog " + resource + " is missing from the jar");
        }
        try (Reader in = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
            CSVFormat format = CSVFormat.DEFAULT.builder().setCommentMarker('#').setHeader().setSkipHeaderRecord(true).get();
            return format.parse(in).getRecords();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the catalog " + resource, e);
        }
    }
}
