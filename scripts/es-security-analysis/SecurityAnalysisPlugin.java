// The analysis components Elasticsearch's `.security` index needs (its "email" analyzer: tokenizer
// uax_url_email, filters pattern_capture, lowercase, unique). They live in the analysis-common module,
// which the Maven Central integ-test-zip leaves out, so without them no API key or native user can be
// stored. Built and added as a module by scripts/services for the secured test node only.
package mailverdict;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

public class SecurityAnalysisPlugin extends Plugin implements AnalysisPlugin {
  private static TokenFilterFactory filter(String name, java.util.function.Function<TokenStream, TokenStream> make) {
    return new TokenFilterFactory() {
      @Override public String name() { return name; }
      @Override public TokenStream create(TokenStream in) { return make.apply(in); }
    };
  }

  @Override
  public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
    return Map.of(
      "pattern_capture", (indexSettings, env, name, settings) -> {
        List<String> patterns = settings.getAsList("patterns");
        Pattern[] compiled = patterns.stream().map(Pattern::compile).toArray(Pattern[]::new);
        boolean preserve = settings.getAsBoolean("preserve_original", true);
        return filter(name, in -> new PatternCaptureGroupTokenFilter(in, preserve, compiled));
      },
      "lowercase", (indexSettings, env, name, settings) -> filter(name, LowerCaseFilter::new),
      "unique", (indexSettings, env, name, settings) -> filter(name, RemoveDuplicatesTokenFilter::new));
  }

  @Override
  public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
    return Map.of("uax_url_email", (indexSettings, env, name, settings) -> TokenizerFactory.newFactory(name, UAX29URLEmailTokenizer::new));
  }
}
