Console.WriteLine("rnngen");
