using System;
using System.Collections.Generic;

namespace AvatarTalk.Realtime.Tests
{
    /// <summary>Collects named pass/fail checks so one run reports every failure, not just the first.</summary>
    public sealed class Check
    {
        readonly List<string> failures = new List<string>();
        int passed;

        public void That(bool condition, string what)
        {
            if (condition) passed++;
            else { failures.Add(what); Console.WriteLine("FAIL " + what); }
        }

        public void Equal<T>(T expected, T actual, string what)
        {
            That(EqualityComparer<T>.Default.Equals(expected, actual), what + ": expected " + expected + ", got " + actual);
        }

        public void Run(string name, Action test)
        {
            try { test(); }
            catch (Exception e) { That(false, name + " threw " + e.GetType().Name + ": " + e.Message); }
        }

        public int Finish()
        {
            Console.WriteLine(passed + " checks passed, " + failures.Count + " failed");
            return failures.Count == 0 ? 0 : 1;
        }
    }
}
