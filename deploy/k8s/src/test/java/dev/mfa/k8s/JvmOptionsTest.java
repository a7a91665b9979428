package dev.mfa.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pod runs its JVM with the settings deploy/local/run.sh uses, whose footprint docs/benchmarks.md records
 * (issue 16): the same options first in {@code JAVA_OPTS} (which replaces the image's own defaults) and the same
 * {@code MALLOC_ARENA_MAX}, so that a change to one is a change to both.
 */
class JvmOptionsTest {

    static java.util.List<String> overlays() {
        return Repo.overlays();
    }

    /** run.sh's {@code SERVICE_JVM_OPTS_DEFAULT="..."} and {@code +=" ..."} lines, joined. */
    static String runShJvmOptions() {
        String runSh = Repo.read(Repo.root().resolve("deploy/local/run.sh"));
        Matcher m = Pattern.compile("(?m)^SERVICE_JVM_OPTS_DEFAULT\\+?=\"([^\"]*)\"")
                .matcher(runSh);
        StringBuilder opts = new StringBuilder();
        while (m.find()) {
            opts.append(m.group(1));
        }
        return opts.toString().trim();
    }

    static String runShMallocArenaMax() {
        Matcher m = Pattern.compile("MFA_LOCAL_MALLOC_ARENA_MAX:-([0-9]+)")
                .matcher(Repo.read(Repo.root().resolve("deploy/local/run.sh")));
        assertThat(m.find()).as("run.sh sets MALLOC_ARENA_MAX").isTrue();
        return m.group(1);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyDeploymentRunsItsJvmWithRunShSettings(String overlay) {
        String expected = runShJvmOptions();
        assertThat(expected).contains("-Xmx", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize");
        for (Deployment d : Repo.rendered(overlay).all(Deployment.class)) {
            Map<String, String> env = DeploymentConsistencyTest.container(d).getEnv().stream()
                    .filter(e -> e.getValue() != null)
                    .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
            String name = d.getMetadata().getName();
            assertThat(env.get("JAVA_OPTS")).as("%s JAVA_OPTS", name).startsWith(expected + " ");
            assertThat(env.get("MALLOC_ARENA_MAX"))
                    .as("%s MALLOC_ARENA_MAX", name)
                    .isEqualTo(runShMallocArenaMax());
        }
    }
}
