namespace StreamChat.Testing;

/// <summary>Reports some tests leave for ./test.sh to print after the project's run (corpus scores, measured costs).</summary>
internal static class TestReports
{
    /// <summary>Writes <paramref name="content"/> as NAME.report.md when ./test.sh asked for reports (STREAMCHAT_TEST_REPORTS).</summary>
    public static void Write(string name, string content)
    {
        var folder = Environment.GetEnvironmentVariable("STREAMCHAT_TEST_REPORTS");
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, name + ".report.md"), content);
        }
    }
}
