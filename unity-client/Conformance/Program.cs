using System;

namespace AvatarTalk.Realtime.Conformance
{
    /// <summary>Console conformance runner: the Unity core against a live server. Exit 0 = conformant.</summary>
    static class Program
    {
        static int Main(string[] args)
        {
            Options options;
            try { options = Options.Parse(args); }
            catch (Exception e) when (e is ArgumentException || e is FormatException)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(Options.Usage);
                return 2;
            }
            try
            {
                return options.ExpectRefusal != null ? new TokenRefusalCheck(options).Run() : new ConversationCheck(options).Run();
            }
            catch (Exception e)
            {
                Console.WriteLine("FAIL unexpected " + e.GetType().Name + ": " + e.Message);
                Console.WriteLine(e.StackTrace);
                return 1;
            }
        }
    }
}
