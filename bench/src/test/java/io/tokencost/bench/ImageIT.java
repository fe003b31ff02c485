package io.tokencost.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokencost.measure.JvmFlags;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The container image as Jib wrote it (the build's own, on an empty base: no registry is reached):
 * its entrypoint is the launcher, its environment asks the NVIDIA container toolkit for the driver's
 * compute libraries, and its layers hold the classes, every dependency (the kernel images among
 * them), the launcher (executable), the JVM flags JvmFlags defines and the build's git sha.
 */
class ImageIT {

    private static final Path TAR = Path.of(System.getProperty("user.dir")).resolve("target/jib-image.tar");

    /** A docker-save tar's files, by name (the outer tar). */
    private static Map<String, byte[]> entries(InputStream in) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        byte[] header = new byte[512];
        while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
            String name = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "");
            String prefix = new String(header, 345, 155, StandardCharsets.US_ASCII).replace("\0", "");
            long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim(), 8);
            String mode = new String(header, 100, 8, StandardCharsets.US_ASCII).replace("\0", "").trim();
            byte[] data = in.readNBytes((int) size);
            in.skipNBytes((512 - size % 512) % 512);
            String full = prefix.isEmpty() ? name : prefix + "/" + name;
            out.put(full, data);
            out.put(full + "#mode", mode.getBytes(StandardCharsets.US_ASCII));
        }
        return out;
    }

    @Test
    void theImageRunsTheLauncherWithTheDriversComputeLibraries() throws Exception {
        assertTrue(Files.isRegularFile(TAR), "the build writes " + TAR);
        Map<String, byte[]> image;
        try (InputStream in = Files.newInputStream(TAR)) {
            image = entries(in);
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode manifest = json.readTree(image.get("manifest.json")).get(0);
        JsonNode config = json.readTree(image.get(manifest.get("Config").asText())).get("config");
        assertEquals(List.of("/opt/tokencost/bin/tokencost"), json.convertValue(config.get("Entrypoint"), List.class));
        List<?> env = json.convertValue(config.get("Env"), List.class);
        assertTrue(env.contains("NVIDIA_DRIVER_CAPABILITIES=compute,utility") && env.contains("NVIDIA_VISIBLE_DEVICES=all"), env.toString());
        assertTrue(env.stream().anyMatch(e -> e.toString().startsWith("PATH=/opt/tokencost/bin:")), "tokencost on PATH (pyxis runs it by name): " + env);

        Map<String, byte[]> files = new HashMap<>();
        for (JsonNode layer : manifest.get("Layers")) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(image.get(layer.asText())))) {
                files.putAll(entries(in));
            }
        }
        assertTrue(files.keySet().stream().anyMatch(f -> f.matches("app/libs/tokencost-harness-.*\\.jar")), files.keySet().toString());
        assertTrue(files.keySet().stream().anyMatch(f -> f.matches("app/libs/tokencost-kernels-.*\\.jar")), "the kernel images: " + files.keySet());
        assertEquals("io.tokencost.cli.Main", new String(files.get("app/jib-main-class-file"), StandardCharsets.UTF_8).trim());
        assertTrue(files.containsKey("opt/tokencost/bin/tokencost"), files.keySet().toString());
        int mode = Integer.parseInt(new String(files.get("opt/tokencost/bin/tokencost#mode"), StandardCharsets.US_ASCII), 8);
        assertEquals(0755, mode & 0777, "the launcher is executable");
        assertEquals(String.join(" ", JvmFlags.forTiming()), new String(files.get("opt/tokencost/lib/jvm.flags"), StandardCharsets.UTF_8).trim());
        assertTrue(new String(files.get("opt/tokencost/lib/build.env"), StandardCharsets.UTF_8).startsWith("TOKENCOST_GIT_SHA="));
        ByteArrayOutputStream launcher = new ByteArrayOutputStream();
        launcher.write(files.get("opt/tokencost/bin/tokencost"));
        assertEquals(Files.readString(Path.of(System.getProperty("user.dir")).getParent().resolve("tokencost")), launcher.toString(StandardCharsets.UTF_8));
    }
}
