package org.layerpipe.core.train;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Versions and the git commit this build was made from (written into the jar by Maven). */
public final class BuildInfo {

    private static final String RESOURCE = "/layerpipe-build.properties";

    private BuildInfo() {
    }

    /** {@code layerpipe.version}, {@code layerpipe.git.commit}, {@code dl4j.version}, ... ("unknown" when not built by Maven). */
    public static Map<String, String> properties() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // provenance degrades to "unknown" rather than failing a trial
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String key : new String[] {"layerpipe.version", "layerpipe.git.commit", "layerpipe.git.dirty", "dl4j.version"}) {
            String v = p.getProperty(key, "unknown");
            m.put(key, v.startsWith("${") ? "unknown" : v);
        }
        return m;
    }
}
