package dev.lapse.audit.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/** An Avro record as Avro's own JSON encoding: machine-readable, and the same bytes for the same record. */
final class AvroJson {

    private AvroJson() {
    }

    static String of(GenericContainer record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), out);
            new SpecificDatumWriter<Object>(record.getSchema(), SpecificData.getForSchema(record.getSchema()))
                    .write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + record.getSchema().getFullName() + " as JSON", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
